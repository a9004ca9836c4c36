"""Test helpers for juggy.ai (tests only, never imported by product code). See openai_server.py."""
