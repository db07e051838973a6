"""The trainer's workbench: inbox of missed messages, labelling, retraining, deploying."""
