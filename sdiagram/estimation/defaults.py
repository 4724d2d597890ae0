"""The default figures of the estimate: capacity, availability and latency per
kind and tech, each with the source or the reasoning behind it.

Pure data. A technology's row wins over its kind's row; a component's own
`capacity:`, `availability:` or `latency_ms:` wins over both. docs/estimate.md
prints these tables (a test keeps it in step).
"""

from __future__ import annotations

from typing import NamedTuple


class Capacity(NamedTuple):
    """Operations/s one replica serves, for reads and for writes."""

    reads: float
    writes: float
    source: str


class Figure(NamedTuple):
    """One number (an availability fraction or milliseconds) and where it comes from."""

    value: float
    source: str


# Kinds whose replicas are copies of the same data: every copy applies every
# write, so only shards add write capacity. Every other kind is stateless:
# each replica serves a share of every operation.
STATEFUL_KINDS = frozenset({
    "database", "cache", "object_storage", "queue", "stream", "pubsub", "search_index", "vector_db", "warehouse",
})
# Kinds that answer reads themselves and pass only misses on (`hit_ratio`).
CACHING_KINDS = frozenset({"cache", "cdn"})
# Kinds a cache-aside read falls back to when the cache misses.
STORE_KINDS = frozenset({"database", "object_storage", "search_index", "vector_db", "warehouse"})
# Kinds that deliver every message to every consumer (each consumer group reads all).
MESSAGING_KINDS = frozenset({"queue", "stream", "pubsub"})

DEFAULT_PEAK_FACTOR = Figure(2.0, "peak traffic is usually 2-3x the daily average; 2 unless traffic.peak_factor says otherwise")
DEFAULT_HEADROOM = 0.7  # suggested replicas keep utilization at or under 70%

HIT_RATIOS: dict[str, Figure] = {
    "cache": Figure(0.8, "a cache sized for the hot set: the 80/20 rule of thumb (20% of the keys take 80% of the reads)"),
    "cdn": Figure(0.9, "static and media content at a CDN edge: 90%+ of requests are usually served from the edge"),
}

_PROXY = Capacity(50_000, 50_000, "an L7 proxy (NGINX, HAProxy, Envoy) on an 8-core node: ~5-10k TLS requests/s per core with keep-alive")
_STREAM = Capacity(100_000, 100_000, "a Kafka broker takes on the order of 100k small messages/s (Kreps' 2014 benchmark: "
                                     "0.4-2M 100-byte records/s on 3 brokers with 3x replication; 100k leaves room for "
                                     "~1 KB messages and acks=all)")
_RELATIONAL = Capacity(10_000, 3_000, "a PostgreSQL/MySQL primary on a large instance: ~10k indexed point reads/s, a few thousand durable (fsync'd) writes/s")

# ops/s per replica by kind; kinds without a row (clients, CDNs, external
# systems, schedulers) have no capacity to run out of in the design
CAPACITY_BY_KIND: dict[str, Capacity] = {
    "dns": Capacity(30_000, 30_000, "a CoreDNS/BIND instance answers tens of thousands of cached queries/s"),
    "load_balancer": _PROXY,
    "proxy": _PROXY,
    "api_gateway": Capacity(10_000, 10_000, "an API gateway node with auth and rate-limit plugins (Kong, Envoy-based): ~10k requests/s"),
    "service": Capacity(1_000, 1_000, "an application instance with 4-8 vCPUs at ~5-10 ms of CPU per request: ~1,000 requests/s"),
    "worker": Capacity(500, 500, "a background consumer does more per message than a request handler (several writes, retries): ~500 messages/s"),
    "function": Capacity(1_000, 1_000, "AWS Lambda's default concurrency is 1,000 per region; at ~1 s per invocation that is ~1,000 invocations/s"),
    "cache": Capacity(100_000, 100_000, "a Redis node serves on the order of 100k simple GET/SET/s (redis-benchmark, one thread)"),
    "database": _RELATIONAL,
    "object_storage": Capacity(5_000, 2_000, "a self-hosted object store node (Ceph RGW, MinIO): a few thousand small-object requests/s"),
    "queue": Capacity(20_000, 20_000, "a RabbitMQ node with persistent messages and publisher confirms: ~20k messages/s"),
    "stream": _STREAM,
    "pubsub": _STREAM,
    "search_index": Capacity(2_000, 5_000, "an Elasticsearch data node: a few thousand simple queries/s; ~5k documents/s indexed"),
    "vector_db": Capacity(1_000, 5_000, "an HNSW index of ~1M 768-d vectors at 95% recall: ~1,000 queries/s per node (ann-benchmarks)"),
    "llm": Capacity(10, 10, "a self-hosted 7-8B model on one GPU (vLLM): ~1,000 output tokens/s, ~100 tokens per answer"),
    "identity": Capacity(2_000, 2_000, "a token service signs or validates a few thousand tokens/s per node"),
    "observability": Capacity(50_000, 50_000, "a log/metrics ingest node accepts tens of thousands of small events/s"),
    "warehouse": Capacity(50, 50_000, "an analytical warehouse node: tens of queries/s, bulk loads of tens of thousands of rows/s"),
}

CAPACITY_BY_TECH: dict[str, Capacity] = {
    "redis": CAPACITY_BY_KIND["cache"],
    "memcached": Capacity(200_000, 200_000, "memcached is multi-threaded: a few hundred thousand GET/SET/s per node"),
    "postgresql": _RELATIONAL,
    "mysql": _RELATIONAL,
    "mariadb": _RELATIONAL,
    "cassandra": Capacity(10_000, 10_000, "Netflix's Cassandra benchmark: 1.1M client writes/s on 288 nodes at RF 3, ~11k replica writes/s per node"),
    "scylla": Capacity(50_000, 50_000, "ScyllaDB's published benchmarks: several times Cassandra's per-node throughput"),
    "mongodb": Capacity(10_000, 5_000, "a MongoDB replica-set primary: ~10k indexed reads/s, ~5k acknowledged writes/s"),
    "kafka": _STREAM,
    "rabbitmq": CAPACITY_BY_KIND["queue"],
    "nats": Capacity(200_000, 200_000, "NATS core publishes several hundred thousand small messages/s per server"),
    "elasticsearch": CAPACITY_BY_KIND["search_index"],
    "nginx": _PROXY,
    "haproxy": _PROXY,
    "envoy": _PROXY,
    "kong": CAPACITY_BY_KIND["api_gateway"],
}

# bytes one node of a store holds comfortably (the unsharded-hot-store rule)
STORAGE_PER_NODE: dict[str, Figure] = {
    "database": Figure(2e12, "a relational or wide-column node holds a few TB on local SSD; past ~2 TB backups, "
                             "restores, replica rebuilds and schema changes take hours"),
    "search_index": Figure(1e12, "an Elasticsearch data node: ~1 TB (Elastic's sizing: shards of 10-50 GB, a few "
                                 "dozen per node)"),
    "vector_db": Figure(2e11, "an HNSW index lives in memory: ~200 GB of vectors and graph per node"),
}
# without `traffic.retention`, a store is judged on one year of records
DEFAULT_RETENTION_DAYS = 365

_SELF_HOSTED_NODE = Figure(0.995, "one self-run node: the AWS EC2 instance-level SLA is 99.5%")

# availability of one replica (self-run) by kind; managed services use their SLA
AVAILABILITY_BY_KIND: dict[str, Figure] = {
    "external": Figure(0.999, "a third party's typical commercial SLA: 99.9%"),
    "llm": Figure(0.995, "no LLM API publishes more than 99.9% on standard tiers; observed monthly uptime is 99-99.9%"),
}
DEFAULT_NODE_AVAILABILITY = _SELF_HOSTED_NODE
DEFAULT_MANAGED_AVAILABILITY = Figure(0.999, "a managed service without a known SLA: 99.9%, the most common published figure")

# provider SLAs of managed services (monthly uptime percentage commitments)
AVAILABILITY_BY_TECH: dict[str, Figure] = {
    "s3": Figure(0.999, "Amazon S3 Standard SLA: 99.9%"),
    "gcs": Figure(0.999, "Google Cloud Storage regional SLA: 99.9%"),
    "azure-blob": Figure(0.999, "Azure Blob Storage (LRS, hot) SLA: 99.9%"),
    "dynamodb": Figure(0.9999, "Amazon DynamoDB SLA: 99.99% (global tables 99.999%)"),
    "rds": Figure(0.9995, "Amazon RDS Multi-AZ SLA: 99.95%"),
    "aurora": Figure(0.9999, "Amazon Aurora Multi-AZ SLA: 99.99%"),
    "spanner": Figure(0.9999, "Cloud Spanner regional SLA: 99.99% (multi-region 99.999%)"),
    "bigtable": Figure(0.999, "Cloud Bigtable single-cluster SLA: 99.9%"),
    "firestore": Figure(0.9999, "Firestore regional SLA: 99.99%"),
    "cosmosdb": Figure(0.9999, "Azure Cosmos DB single-region SLA: 99.99%"),
    "elasticache": Figure(0.999, "Amazon ElastiCache SLA for cross-AZ / Multi-AZ configurations: 99.9% (newer "
                                 "versions list 99.99% for Multi-AZ with automatic failover; the lower figure is used)"),
    "memorystore": Figure(0.999, "Memorystore for Redis standard tier SLA: 99.9%"),
    "opensearch": Figure(0.999, "Amazon OpenSearch Service SLA: 99.9%"),
    "sqs": Figure(0.999, "Amazon SQS SLA: 99.9%"),
    "sns": Figure(0.999, "Amazon SNS SLA: 99.9%"),
    "eventbridge": Figure(0.9999, "Amazon EventBridge SLA: 99.99%"),
    "kinesis": Figure(0.999, "Amazon Kinesis Data Streams SLA: 99.9%"),
    "msk": Figure(0.999, "Amazon MSK SLA: 99.9%"),
    "pubsub": Figure(0.9995, "Google Cloud Pub/Sub SLA: 99.95%"),
    "lambda": Figure(0.9995, "AWS Lambda SLA: 99.95%"),
    "elb": Figure(0.9999, "Elastic Load Balancing SLA: 99.99%"),
    "alb": Figure(0.9999, "Elastic Load Balancing SLA: 99.99%"),
    "nlb": Figure(0.9999, "Elastic Load Balancing SLA: 99.99%"),
    "aws-api-gateway": Figure(0.9995, "Amazon API Gateway SLA: 99.95%"),
    "cloudfront": Figure(0.999, "Amazon CloudFront SLA: 99.9%"),
    "cloudflare": Figure(0.9999, "Cloudflare's paid plans promise 100%; counted as 99.99%"),
    "fastly": Figure(0.9999, "Fastly promises 100% on its SLA; counted as 99.99%"),
    "akamai": Figure(0.9999, "Akamai promises 100% on its SLA; counted as 99.99%"),
    "route53": Figure(0.9999, "Route 53 promises 100%; counted as 99.99%"),
    "bedrock": Figure(0.999, "Amazon Bedrock SLA: 99.9%"),
    "sagemaker": Figure(0.9995, "Amazon SageMaker real-time inference SLA: 99.95%"),
    "vertexai": Figure(0.995, "Google AI Platform / Vertex AI training and prediction SLA: 99.5%"),
    "twilio": Figure(0.9995, "Twilio's API SLA: 99.95%"),
    "ses": Figure(0.999, "Amazon SES SLA: 99.9%"),
    "fcm": Figure(0.999, "FCM / APNS publish no SLA: 99.9% assumed"),
    "slack": Figure(0.9999, "Slack's SLA for paid plans: 99.99%"),
    "teams": Figure(0.999, "Microsoft 365 (Teams) SLA: 99.9%"),
    "okta": Figure(0.9999, "Okta's SLA: 99.99%"),
    "auth0": Figure(0.9999, "Auth0's enterprise SLA: 99.99%"),
    "stripe": Figure(0.9999, "Stripe publishes no SLA; its reported API uptime is 99.99%+"),
}

NETWORK_HOP = Figure(0.5, "a round trip within one data centre: ~0.5 ms (the standard latency numbers)")
CLIENT_HOP = Figure(50.0, "a user to the nearest region over the internet: ~50 ms round trip (mobile and broadband)")
CLIENT_TO_CDN_HOP = Figure(20.0, "a user to a CDN edge nearby: ~20 ms round trip")
# cross-region round trip (~150 ms) is not inferred: write `latency_ms: 150` on the connection

# time a component itself spends on a request, by kind
LATENCY_BY_KIND: dict[str, Figure] = {
    "client": Figure(0.0, "the user's own device: not counted"),
    "dns": Figure(1.0, "a cached DNS answer: ~1 ms"),
    "cdn": Figure(5.0, "serving a hit from the edge cache: ~5 ms"),
    "load_balancer": Figure(0.5, "an L4/L7 balancer forwarding a request: well under 1 ms"),
    "proxy": Figure(0.5, "a reverse proxy forwarding a request: well under 1 ms"),
    "api_gateway": Figure(2.0, "auth, rate-limit and routing plugins: ~2 ms"),
    "service": Figure(5.0, "application logic of a typical request handler: ~5 ms"),
    "worker": Figure(5.0, "processing one message: ~5 ms (off the user's path when fed by a queue)"),
    "function": Figure(10.0, "a warm serverless invocation: ~10 ms (cold starts of 100 ms-1 s not counted)"),
    "cache": Figure(0.5, "an in-memory read: ~1 ms including its 0.5 ms network hop"),
    "database": Figure(5.0, "an indexed read of a database: a few ms"),
    "object_storage": Figure(20.0, "first byte of a small object from object storage: tens of ms"),
    "queue": Figure(5.0, "a durable enqueue (replicated, acknowledged): a few ms"),
    "stream": Figure(5.0, "a produce with acks=all: a few ms"),
    "pubsub": Figure(20.0, "publishing to a managed topic: ~20 ms"),
    "search_index": Figure(10.0, "a simple full-text query: ~10 ms"),
    "vector_db": Figure(10.0, "an approximate nearest-neighbour query (top-k): ~10 ms"),
    "llm": Figure(1_000.0, "an LLM call: ~0.5 s to the first token, ~1 s for a short answer"),
    "external": Figure(100.0, "a third-party API over the internet: ~100 ms including the round trip"),
    "identity": Figure(20.0, "validating a token or session with an identity provider: ~20 ms"),
    "observability": Figure(1.0, "emitting a log line or metric: ~1 ms, usually buffered"),
    "warehouse": Figure(1_000.0, "an analytical query: a second or more"),
    "scheduler": Figure(0.0, "a scheduler starts work; it is not on a request's path"),
}
DEFAULT_LATENCY = Figure(5.0, "a component of unknown kind: ~5 ms, like a service")

LATENCY_BY_TECH: dict[str, Figure] = {
    "dynamodb": Figure(5.0, "DynamoDB: single-digit milliseconds per read (AWS)"),
    "memcached": LATENCY_BY_KIND["cache"],
    "redis": LATENCY_BY_KIND["cache"],
}


def capacity_for(kind: str, tech: str | None) -> Capacity | None:
    return CAPACITY_BY_TECH.get(tech or "") or CAPACITY_BY_KIND.get(kind)


def latency_for(kind: str, tech: str | None) -> Figure:
    return LATENCY_BY_TECH.get(tech or "") or LATENCY_BY_KIND.get(kind) or DEFAULT_LATENCY


def availability_for(kind: str, tech: str | None, managed: bool) -> Figure:
    """The availability of one replica, or of the whole service when it is managed."""
    if tech in AVAILABILITY_BY_TECH:
        return AVAILABILITY_BY_TECH[tech]
    if kind in AVAILABILITY_BY_KIND:
        return AVAILABILITY_BY_KIND[kind]
    return DEFAULT_MANAGED_AVAILABILITY if managed else DEFAULT_NODE_AVAILABILITY
