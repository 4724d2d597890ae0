"""Chat System, drawn with mingrammer diagrams: the peer of blueprints/chat.yaml.

Usage: python bench/peers/chat.py OUTPUT_DIR
writes OUTPUT_DIR/chat.svg and OUTPUT_DIR/chat.png.
"""

import os
import sys

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import Batch
from diagrams.aws.network import CloudFront
from diagrams.aws.storage import SimpleStorageServiceS3
from diagrams.firebase.grow import Messaging
from diagrams.onprem.client import Users
from diagrams.onprem.compute import Server
from diagrams.onprem.database import Cassandra
from diagrams.onprem.inmemory import Redis
from diagrams.onprem.network import Haproxy, Kong
from diagrams.onprem.queue import Kafka

out_dir = sys.argv[1] if len(sys.argv) > 1 else "."

with Diagram(
    "Chat System",
    filename=os.path.join(out_dir, "chat"),
    direction="LR",
    show=False,
    outformat=["svg", "png"],
):
    with Cluster("Users"):
        user_a = Users("User A")
        user_b = Users("User B")

    with Cluster("Edge"):
        ws_lb = Haproxy("WebSocket LB\n(L4, sticky)\n×3")
        api_gw = Kong("API Gateway\n(media\nuploads)\n×2")
        cdn = CloudFront("CDN (media)")

    with Cluster("Real-time tier"):
        chat = Server("Chat Server\n(WebSocket\ngateway)\n×20")
        presence = Redis("Presence\nService\n(Redis)\n×3")

    with Cluster("Message Queue"):
        kafka = Kafka("Message Queue\n(Kafka)\n×3")
        dlq = Kafka("Dead-letter\ntopic\n×3")

    with Cluster("Storage"):
        persister = Batch("Message\nWriter\n×12")
        messages = Cassandra("Message DB\n(Cassandra)\n×3")

    with Cluster("Push Notifications"):
        push = Batch("Push\nNotification\nWorker\n×40")
        fcm = Messaging("FCM / APNS")

    with Cluster("Media"):
        media_svc = Server("Media Service\n×4")
        media = SimpleStorageServiceS3("Media (S3)")

    user_a >> Edge(label="1) send over WebSocket (full\nduplex)") >> ws_lb
    user_b >> Edge(label="connect over WebSocket") >> ws_lb
    ws_lb >> Edge(label="4) online → deliver on the\nopen socket") >> user_b
    ws_lb >> Edge(label="WebSocket (full duplex)") >> chat
    chat >> Edge(label="online? / heartbeat") >> presence
    chat >> Edge(label="2) publish to topic\n(per-chat sequence id)", style="dashed") >> kafka
    kafka >> Edge(label="3) recipient's chat server\nconsumes", style="dashed") >> chat
    kafka >> Edge(label="5) store", style="dashed") >> persister
    persister >> Edge(label="partition chat_id, cluster\ntimestamp") >> messages
    kafka >> Edge(label="5) offline → push\nnotification", style="dashed") >> push
    push >> Edge(label="offline?") >> presence
    push >> Edge(label="push notification") >> fcm
    [persister, push] >> Edge(label="failed messages", style="dashed") >> dlq
    user_a >> Edge(label="upload media") >> api_gw
    api_gw >> media_svc
    media_svc >> Edge(label="store object") >> media
    user_b >> Edge(label="GET media") >> cdn
    cdn >> Edge(label="origin fetch") >> media
