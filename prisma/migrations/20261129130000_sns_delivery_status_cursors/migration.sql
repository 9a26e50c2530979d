-- SNS carriers' delivery receipts: SNS writes the delivery status of every SMS to CloudWatch
-- Logs, which the SNS connector reads. One row per log group: how far it has been read, and
-- the pod reading it now (one at a time; a dead pod's lease lapses).
CREATE TABLE "sns_delivery_status_cursors" (
    "log_group" TEXT NOT NULL,
    "read_until" TIMESTAMPTZ(3) NOT NULL,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),

    CONSTRAINT "sns_delivery_status_cursors_pkey" PRIMARY KEY ("log_group")
);
