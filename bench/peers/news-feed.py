"""News Feed, drawn with mingrammer diagrams: the peer of blueprints/news-feed.yaml.

Usage: python bench/peers/news-feed.py OUTPUT_DIR
writes OUTPUT_DIR/news-feed.svg and OUTPUT_DIR/news-feed.png.
"""

import os
import sys

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import Batch
from diagrams.aws.ml import Sagemaker
from diagrams.aws.network import CloudFront
from diagrams.aws.storage import SimpleStorageServiceS3
from diagrams.onprem.client import Users
from diagrams.onprem.compute import Server
from diagrams.onprem.database import Cassandra, Mysql
from diagrams.onprem.inmemory import Redis
from diagrams.onprem.network import Kong
from diagrams.onprem.queue import Kafka

out_dir = sys.argv[1] if len(sys.argv) > 1 else "."

with Diagram(
    "News Feed",
    filename=os.path.join(out_dir, "news-feed"),
    direction="LR",
    show=False,
    outformat=["svg", "png"],
):
    users = Users("Mobile & Web")

    with Cluster("Edge"):
        cdn = CloudFront("CDN (images,\nvideo)")
        api_gw = Kong("API Gateway\n(auth, rate\nlimit)\n×2")

    with Cluster("Write path"):
        post_svc = Server("Post Service\n×12")
        content_cache = Redis("Content Cache\n(Redis)\n×3")
        posts_db = Cassandra("Posts DB\n×3")

    with Cluster("Fan-out on write (push)"):
        post_events = Kafka("New-post\nevents\n(Kafka)\n×3")
        fanout = Batch("Fan-out\nService\n×10")
        fanout_dlq = Kafka("Dead-letter\ntopic\n×3")
        feed_cache = Redis("Feed Cache\n(Redis):\nuser_id →\npost_ids,\n≤800\n×3")

    with Cluster("Read path: fan-out on read (pull) + merge"):
        feed_svc = Server("Feed Service\n(merge,\ncursor\npagination)\n×10")
        ranking = Sagemaker("Ranking (ML\nmodel)\n×2")

    with Cluster("Social graph"):
        graph_svc = Server("Social Graph\nService\n×12")
        graph_cache = Redis("Social-graph\nCache (Redis)\n×3")
        graph_db = Mysql("Follows DB\n×3")

    with Cluster("Media"):
        media = SimpleStorageServiceS3("Media (S3)")

    users >> Edge(label="POST /posts") >> api_gw
    api_gw >> post_svc
    post_svc >> Edge(label="store post") >> posts_db
    post_svc >> Edge(label="write-through / read posts") >> content_cache
    post_svc >> Edge(label="upload media") >> media
    post_svc >> Edge(label="post created", style="dashed") >> post_events
    post_events >> Edge(label="consume", style="dashed") >> fanout
    fanout >> Edge(label="followers (skip celebrities\n>10K)") >> graph_svc
    fanout >> Edge(label="push post_id to every\nfollower's feed") >> feed_cache
    fanout >> Edge(label="failed fan-outs", style="dashed") >> fanout_dlq
    users >> Edge(label="GET /feed?cursor=…") >> api_gw
    api_gw >> feed_svc
    feed_svc >> Edge(label="pre-computed post_ids") >> feed_cache
    feed_svc >> Edge(label="followed celebrities") >> graph_svc
    feed_svc >> Edge(label="fan-out on read: celebrity\nposts + hydrate") >> post_svc
    feed_svc >> Edge(label="rank: relevance, recency,\nengagement, relationship") >> ranking
    api_gw >> Edge(label="ranked feed page") >> users
    users >> Edge(label="follow / unfollow") >> api_gw
    api_gw >> graph_svc
    graph_svc >> Edge(label="followers / followees") >> graph_cache
    graph_svc >> Edge(label="miss / write follows") >> graph_db
    users >> Edge(label="images, video") >> cdn
    cdn >> Edge(label="origin fetch") >> media
