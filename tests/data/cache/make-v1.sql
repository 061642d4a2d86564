-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- A report cache as schema version 1 wrote it (the first releases), for
-- test-cache's migration test. Regenerate v1.db with:
--
--   rm -f v1.db && sqlite3 v1.db < make-v1.sql
--
-- The schema must stay identical to schema_v1 in src/core/sr-cache.c.

PRAGMA user_version = 1;

BEGIN;

CREATE TABLE messages (
  rowid          INTEGER PRIMARY KEY,
  id             TEXT NOT NULL UNIQUE,
  campaign_id    TEXT,
  recipient      TEXT,
  sender_id      TEXT,
  message        TEXT,
  status_raw     TEXT NOT NULL DEFAULT '',
  failed_reason  TEXT,
  timezone       TEXT,
  created_at     INTEGER NOT NULL DEFAULT 0,
  updated_at     INTEGER,
  sent_at        INTEGER,
  scheduled_for  INTEGER,
  cost           REAL NOT NULL DEFAULT 0,
  sms_count      INTEGER NOT NULL DEFAULT 0,
  is_api         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_created_at ON messages (created_at);
CREATE INDEX messages_status_raw ON messages (status_raw);

CREATE TABLE campaigns (
  rowid               INTEGER PRIMARY KEY,
  id                  TEXT NOT NULL UNIQUE,
  campaign_type       TEXT,
  sender_id           TEXT,
  message             TEXT,
  status              TEXT,
  client_total_cost   REAL NOT NULL DEFAULT 0,
  estimated_cost      REAL NOT NULL DEFAULT 0,
  delivered_messages  INTEGER NOT NULL DEFAULT 0,
  failed_messages     INTEGER NOT NULL DEFAULT 0,
  pending_messages    INTEGER NOT NULL DEFAULT 0,
  sent_messages       INTEGER NOT NULL DEFAULT 0,
  scheduled_for       INTEGER,
  created_at          INTEGER NOT NULL DEFAULT 0,
  updated_at          INTEGER,
  sms_count           INTEGER NOT NULL DEFAULT 0,
  is_api              INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX campaigns_created_at ON campaigns (created_at);

CREATE TABLE account (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  balance    REAL,
  currency   TEXT,
  last_sync  INTEGER
);

-- 2024-03-01 08:00:00 UTC = 1709280000000000 usec
INSERT INTO messages (id, campaign_id, recipient, sender_id, message, status_raw, failed_reason, timezone, created_at, updated_at, sent_at, scheduled_for, cost, sms_count, is_api) VALUES
  ('11e8-0001-aaaa-0000-0000-0242ac120002', 'c-1', '+35799100001', 'ACME', 'Your code is 1234', 'DELIVERED', NULL, NULL, 1709280000000000, 1709280010000000, 1709280005000000, NULL, 0.035, 1, 1),
  ('11e8-0002-aaaa-0000-0000-0242ac120002', 'c-1', '+35799100002', 'ACME', 'Your code is 5678', 'SENT', NULL, NULL, 1709280060000000, 1709280070000000, 1709280065000000, NULL, 0.035, 1, 1),
  ('11e8-0003-aaaa-0000-0000-0242ac120002', NULL, '+447700900003', 'Shop', 'Order shipped', 'FAILED', 'Absent Subscriber', 'Europe/London', 1709283600000000, 1709283700000000, 1709283605000000, NULL, 0.05, 2, 0),
  ('11e8-0004-aaaa-0000-0000-0242ac120002', NULL, '+306900000004', 'Shop', 'Sale today', 'UNDELIVERED', NULL, NULL, 1709287200000000, NULL, NULL, NULL, 0.04, 1, 0),
  ('11e8-0005-aaaa-0000-0000-0242ac120002', 'c-2', '+35799100005', 'Bank', 'Balance low', 'REJECTED', 'Invalid Number', NULL, 1709290800000000, 1709290801000000, NULL, NULL, 0.0, 1, 1),
  ('11e8-0006-aaaa-0000-0000-0242ac120002', 'c-2', '+35799100006', 'Bank', 'Meeting at 10', 'SCHEDULED', NULL, 'Asia/Nicosia', 1709294400000000, NULL, NULL, 1709380800000000, 0.035, 1, 1);

INSERT INTO campaigns (id, campaign_type, sender_id, message, status, client_total_cost, estimated_cost, delivered_messages, failed_messages, pending_messages, sent_messages, scheduled_for, created_at, updated_at, sms_count, is_api) VALUES
  ('c-1', 'SMS', 'ACME', 'Your code is', 'completed', 0.07, 0.07, 1, 0, 0, 1, NULL, 1709279990000000, 1709280100000000, 1, 1),
  ('c-2', 'SMS', 'Bank', 'Notices', 'sending', 0.035, 0.07, 0, 0, 1, 0, 1709380800000000, 1709290700000000, NULL, 1, 0);

INSERT INTO account (id, balance, currency, last_sync) VALUES (1, 42.5, 'EUR', 1709300000000000);

COMMIT;
