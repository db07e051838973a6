"""The gateway's own tables: conversations, every message in them, and pictures sent."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import declarative_base

from actions.shop.models import UTCDateTime

Base = declarative_base()

# Message.status values for shopper messages.
RECEIVED = "received"  # stored and acknowledged, being answered
ANSWERED = "answered"
PENDING = "pending"  # Rasa could not answer: redelivered when it is back
HANDED_OFF = "handed_off"  # a person answers it


class Conversation(Base):
    """One widget session; its id is the socket.io ``session_id``."""

    __tablename__ = "conversations"

    id = Column(String(64), primary_key=True)
    shopper_id = Column(String(64), nullable=True, index=True)
    created_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False)


class Message(Base):
    """A message from the shopper, the bot, an agent or the system."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_id_id", "conversation_id", "id"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), ForeignKey("conversations.id"), nullable=False)
    sender = Column(String(16), nullable=False)
    text = Column(Text, nullable=False, default="")
    payload = Column(JSON, nullable=False, default=dict)
    status = Column(String(16), nullable=True, index=True)
    created_at = Column(UTCDateTime, nullable=False)


class Image(Base):
    """A picture a shopper sent; its message's attachment points at ``/images/<id>``."""

    __tablename__ = "images"

    id = Column(String(32), primary_key=True)  # random: the only way to ask for it
    conversation_id = Column(String(64), ForeignKey("conversations.id"), nullable=False, index=True)
    content_type = Column(String(32), nullable=False)
    data = Column(LargeBinary, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
