"""The workbench's tables: messages the bot missed, and every training run."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import declarative_base

from actions.shop.models import UTCDateTime

Base = declarative_base()

# NluMiss.reason values, in the order the inbox names them.
FALLBACK = "fallback"  # the FallbackClassifier gave up
LOW_CONFIDENCE = "low_confidence"  # answered, but the model was unsure
HANDOFF = "handoff"  # the bot handed the conversation to a person
OUT_OF_SCOPE = "out_of_scope"  # answered 「这个问题我还不太擅长」: a topic the bot lacks
REASONS = (FALLBACK, LOW_CONFIDENCE, OUT_OF_SCOPE, HANDOFF)

# NluMiss.status values.
OPEN = "open"
LABELLED = "labelled"
DISMISSED = "dismissed"

# TrainingRun.status values; the last four are final.
QUEUED = "queued"
TRAINING = "training"
EVALUATING = "evaluating"
DEPLOYING = "deploying"
DEPLOYED = "deployed"
BLOCKED = "blocked"  # the regression guard refused to deploy it
TRAINED = "trained"  # trained and evaluated, not asked to deploy
FAILED = "failed"
FINAL = (DEPLOYED, BLOCKED, TRAINED, FAILED)


class NluMiss(Base):
    """A shopper message the bot did not understand well, masked for private data."""

    __tablename__ = "nlu_misses"
    __table_args__ = (Index("ix_nlu_misses_status_id", "status", "id"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), nullable=False)
    message_id = Column(Integer, nullable=False, unique=True)
    text = Column(Text, nullable=False)
    intent = Column(String(64), nullable=True)
    confidence = Column(Float, nullable=True)
    reason = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False, default=OPEN)
    labelled_intent = Column(String(64), nullable=True)
    labelled_by = Column(String(64), nullable=True)
    created_at = Column(UTCDateTime, nullable=False)
    resolved_at = Column(UTCDateTime, nullable=True)


class ShopperChoice(Base):
    """The 「您是不是想问」 button a shopper pressed after a missed message: their own label.

    A table of its own rather than a column of ``nlu_misses``, so that gateway
    databases made before it get it from ``create_all`` without a migration.
    """

    __tablename__ = "nlu_shopper_choices"

    miss_id = Column(Integer, ForeignKey("nlu_misses.id"), primary_key=True)
    intent = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)


class TrainingRun(Base):
    """One retraining: who asked, on which data, what it scored, whether it went live."""

    __tablename__ = "training_runs"

    id = Column(Integer, primary_key=True, autoincrement=True)
    status = Column(String(16), nullable=False, index=True)
    stage = Column(String(64), nullable=False, default="")
    triggered_by = Column(String(64), nullable=False)
    deploy = Column(Integer, nullable=False, default=1)
    data_hash = Column(String(32), nullable=True)
    model = Column(Text, nullable=True)
    metrics = Column(JSON(none_as_null=True), nullable=True)
    baseline = Column(JSON(none_as_null=True), nullable=True)
    baseline_model = Column(Text, nullable=True)
    verdict = Column(JSON(none_as_null=True), nullable=True)
    override_reason = Column(Text, nullable=True)
    error = Column(Text, nullable=True)
    seconds = Column(JSON, nullable=False, default=dict)
    started_at = Column(UTCDateTime, nullable=False)
    finished_at = Column(UTCDateTime, nullable=True)


class LabelCheck(Base):
    """How a run's new model read a message trainers labelled before the run.

    One row per run and message; a labelled message without a row has not been
    checked yet, so the next run that gets as far as evaluating checks it.
    """

    __tablename__ = "nlu_label_checks"

    run_id = Column(Integer, ForeignKey("training_runs.id"), primary_key=True)
    miss_id = Column(Integer, ForeignKey("nlu_misses.id"), primary_key=True, index=True)
    predicted = Column(String(64), nullable=False)  # the best guess, fallback undone
    confidence = Column(Float, nullable=False)
    fell_back = Column(Integer, nullable=False, default=0)  # the bot would not have answered
