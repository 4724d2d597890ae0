"""Search System, drawn with mingrammer diagrams: the peer of blueprints/search.yaml.

Usage: python bench/peers/search.py OUTPUT_DIR
writes OUTPUT_DIR/search.svg and OUTPUT_DIR/search.png.
"""

import os
import sys

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import Batch
from diagrams.elastic.elasticsearch import Elasticsearch
from diagrams.onprem.analytics import Spark
from diagrams.onprem.client import Users
from diagrams.onprem.compute import Server
from diagrams.onprem.database import Postgresql
from diagrams.onprem.inmemory import Redis
from diagrams.onprem.network import Kong
from diagrams.onprem.queue import Kafka

out_dir = sys.argv[1] if len(sys.argv) > 1 else "."

with Diagram(
    "Search System",
    filename=os.path.join(out_dir, "search"),
    direction="LR",
    show=False,
    outformat=["svg", "png"],
):
    users = Users("Searchers")
    publishers = Users("Content\npublishers")

    with Cluster("Edge"):
        api_gw = Kong("API Gateway\n×3")

    with Cluster("Serving"):
        with Cluster("Search flow: Query → Parse → Search Index → Rank → Return"):
            search_svc = Server("Search\nService\n×8")
            results_cache = Redis("Popular-query\ncache (Redis)\n×2")
            parser = Server("Query Parser\n(spell\ncorrect)\n×8")
            ranker = Server("Ranker\n×8")

        with Cluster("Autocomplete"):
            autocomplete = Server("Autocomplete\nService\n×8")
            suggestions = Redis("Top-K\nsuggestions\nper prefix\n(Redis)\n×3")
            query_log = Kafka("Query log\n(Kafka)\n×3")
            query_log_dlq = Kafka("Dead-letter\ntopic\n(queries)\n×3")
            trie_builder = Spark("Trie builder\n(top-K by\nfrequency)\n×2")

    with Cluster("Search Index"):
        es = Elasticsearch("Inverted\nIndex\n(Elasticsearch)\n×3")

    with Cluster("Indexing"):
        with Cluster("Data Source"):
            content_svc = Server("Content\nService\n×3")
            content_cache = Redis("Document\ncache (Redis)\n×2")
            source_db = Postgresql("Data Source\n(PostgreSQL)\n×2")

        with Cluster("Indexing pipeline"):
            cdc = Kafka("Crawler / CDC\n(Debezium)\n×2")
            changes = Kafka("Document\nchanges\n(Kafka)\n×3")
            processor = Batch("Processor\n(tokenize,\nnormalize,\nstem/lemmatize)\n×3")
            changes_dlq = Kafka("Dead-letter\ntopic\n(documents)\n×3")

    users >> Edge(label="Query") >> api_gw
    api_gw >> Edge(label="top N results") >> users
    api_gw >> search_svc
    search_svc >> Edge(label="popular queries") >> results_cache
    search_svc >> Edge(label="1) Parse (spell correct)") >> parser
    search_svc >> Edge(label="2) retrieve candidates\n(BM25)") >> es
    search_svc >> Edge(label="3) Rank (TF-IDF, BM25,\nPageRank, personalization,\nfreshness)") >> ranker
    search_svc >> Edge(label="query log", style="dashed") >> query_log
    users >> Edge(label="typeahead") >> api_gw
    api_gw >> autocomplete
    autocomplete >> Edge(label="prefix → top-K") >> suggestions
    query_log >> Edge(label="consume", style="dashed") >> trie_builder
    trie_builder >> Edge(label="publish pre-computed top-K") >> suggestions
    trie_builder >> Edge(label="failed records", style="dashed") >> query_log_dlq
    publishers >> Edge(label="publish / edit documents") >> api_gw
    users >> Edge(label="open result") >> api_gw
    api_gw >> content_svc
    content_svc >> Edge(label="cache-aside") >> content_cache
    content_svc >> Edge(label="read / write documents") >> source_db
    source_db >> Edge(label="change data capture", style="dashed") >> cdc
    cdc >> Edge(label="publish", style="dashed") >> changes
    changes >> Edge(label="consume", style="dashed") >> processor
    processor >> Edge(label="index documents") >> es
    processor >> Edge(label="failed documents", style="dashed") >> changes_dlq
