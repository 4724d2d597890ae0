"""Notification System, drawn with mingrammer diagrams: the peer of blueprints/notification.yaml.

Usage: python bench/peers/notification.py OUTPUT_DIR
writes OUTPUT_DIR/notification.svg and OUTPUT_DIR/notification.png.
"""

import os
import sys

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import Batch
from diagrams.aws.engagement import SimpleEmailServiceSes
from diagrams.firebase.grow import Messaging
from diagrams.onprem.analytics import Flink
from diagrams.onprem.client import Users
from diagrams.onprem.compute import Server
from diagrams.onprem.database import Clickhouse, Postgresql
from diagrams.onprem.inmemory import Redis
from diagrams.onprem.network import Kong
from diagrams.onprem.queue import Kafka
from diagrams.saas.communication import Twilio

out_dir = sys.argv[1] if len(sys.argv) > 1 else "."

with Diagram(
    "Notification System",
    filename=os.path.join(out_dir, "notification"),
    direction="LR",
    show=False,
    outformat=["svg", "png"],
):
    users = Users("Users (mobile\n& web)")

    with Cluster("Edge"):
        api_gw = Kong("API Gateway\n×2")

    with Cluster("Services (triggers)"):
        auth_svc = Server("Auth Service\n(OTP)\n×3")
        order_svc = Server("Order Service\n×3")
        campaign_svc = Server("Marketing\nCampaigns\n×2")

    with Cluster("Notification Service"):
        notif_svc = Server("Notification\nService\n(template\nengine)\n×4")
        prefs_cache = Redis("Prefs, rate\nlimits,\nidempotency\nkeys (Redis)\n×3")
        prefs_db = Postgresql("User\npreferences &\ntemplates\n×2")

    with Cluster("Message Queue (Kafka)"):
        queue = Kafka("Priority\ntopics: high\n/ low\n×3")

    with Cluster("Channel workers (retry with exponential backoff)"):
        notif_dlq = Kafka("Dead-letter\ntopic (failed\nsends)\n×3")
        push_worker = Batch("Push worker\n×3")
        sms_worker = Batch("SMS worker\n×2")
        email_worker = Batch("Email worker\n×3")

    with Cluster("Providers"):
        apns_fcm = Messaging("APNS / FCM")
        twilio = Twilio("Twilio")
        ses = SimpleEmailServiceSes("SES /\nSendGrid")

    with Cluster("Analytics: sent → delivered → opened → clicked"):
        tracking = Server("Tracking\nService\n×2")
        events = Kafka("Delivery\nevents\n(Kafka)\n×3")
        events_dlq = Kafka("Dead-letter\ntopic\n(events)\n×3")
        funnel = Flink("Funnel\naggregator\n×2")
        analytics_db = Clickhouse("Notification\nanalytics\n×2")

    users >> Edge(label="login, orders, preferences") >> api_gw
    api_gw >> [auth_svc, order_svc, campaign_svc]
    api_gw >> Edge(label="user preferences (channel,\nfrequency, quiet hours)") >> notif_svc
    [auth_svc, order_svc, campaign_svc] >> Edge(label="send (idempotency key,\npriority)") >> notif_svc
    notif_svc >> Edge(label="preferences, rate limit (max\n3 push/hour), de-dup") >> prefs_cache
    notif_svc >> Edge(label="preferences & templates\n(cache miss)") >> prefs_db
    notif_svc >> Edge(label="enqueue (OTP/security high,\nmarketing low)", style="dashed") >> queue
    queue >> Edge(label="consume", style="dashed") >> [push_worker, sms_worker, email_worker]
    push_worker >> Edge(label="push") >> apns_fcm
    sms_worker >> Edge(label="SMS") >> twilio
    email_worker >> Edge(label="email") >> ses
    [push_worker, sms_worker, email_worker] >> Edge(label="retries exhausted", style="dashed") >> notif_dlq
    [push_worker, sms_worker, email_worker] >> Edge(label="sent, delivered", style="dashed") >> events
    users >> Edge(label="opened, clicked") >> api_gw
    api_gw >> tracking
    tracking >> Edge(label="opened, clicked", style="dashed") >> events
    events >> Edge(label="consume", style="dashed") >> funnel
    funnel >> Edge(label="funnel counts") >> analytics_db
    funnel >> Edge(label="failed events", style="dashed") >> events_dlq
