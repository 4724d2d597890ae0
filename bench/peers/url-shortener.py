"""URL Shortener, drawn with mingrammer diagrams: the peer of blueprints/url-shortener.yaml.

Usage: python bench/peers/url-shortener.py OUTPUT_DIR
writes OUTPUT_DIR/url-shortener.svg and OUTPUT_DIR/url-shortener.png.
"""

import os
import sys

from diagrams import Cluster, Diagram, Edge
from diagrams.onprem.analytics import Flink
from diagrams.onprem.client import Users
from diagrams.onprem.compute import Server
from diagrams.onprem.database import Cassandra, Clickhouse
from diagrams.onprem.inmemory import Redis
from diagrams.onprem.network import Nginx
from diagrams.onprem.queue import Kafka

out_dir = sys.argv[1] if len(sys.argv) > 1 else "."

with Diagram(
    "URL Shortener",
    filename=os.path.join(out_dir, "url-shortener"),
    direction="LR",
    show=False,
    outformat=["svg", "png"],
):
    client = Users("Client\n(browser /\napp)")

    with Cluster("Edge"):
        lb = Nginx("Load Balancer\n×2")

    with Cluster("Application tier"):
        api = Server("API Server\n×12")
        id_gen = Server("ID Generator\n(Base62)\n×2")

    with Cluster("Storage"):
        cache = Redis("Cache (Redis)\n×3")
        db = Cassandra("Database\n(short →\nlong)\n×3")

    with Cluster("Click analytics"):
        clicks = Kafka("Click events\n(Kafka)\n×3")
        clicks_dlq = Kafka("Dead-letter\ntopic\n×3")
        aggregator = Flink("Aggregation\npipeline\n×6")
        stats = Clickhouse("Click stats\n×2")

    client >> Edge(label="POST /shorten {\"url\":\n\"long...\"}") >> lb
    client >> Edge(label="GET /abc123") >> lb
    lb >> Edge(label="301 Redirect (cached by the\nbrowser)") >> client
    lb >> api
    api >> Edge(label="1) generate short id:\nBase62, 62^7 ≈ 3.5T (or\nSnowflake)") >> id_gen
    api >> Edge(label="2) store short → long +\nmetadata (alias uniqueness\ncheck)") >> db
    api >> Edge(label="lookup abc123 (hit → 301\nRedirect)") >> cache
    api >> Edge(label="miss → Database") >> db
    api >> Edge(label="click events", style="dashed") >> clicks
    clicks >> Edge(label="consume", style="dashed") >> aggregator
    aggregator >> Edge(label="aggregate counts") >> stats
    aggregator >> Edge(label="failed events", style="dashed") >> clicks_dlq
