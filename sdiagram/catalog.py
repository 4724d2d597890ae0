"""The kind catalog and the technology table: pure data, no imports of `diagrams`.

A *kind* is what a component is to the architecture (rules reason about kinds);
a *tech* is the concrete product, which picks the icon. Icons are named by
their `diagrams` class path (`onprem.inmemory.Redis`); `sdiagram.icons`
resolves a class path to the PNG that ships inside the `diagrams` package.
"""

from __future__ import annotations

from typing import NamedTuple

# Rows of static tables, read on every command's start-up: named tuples cost
# a fraction of a dataclass to define.


class KindInfo(NamedTuple):
    name: str
    description: str
    icon: str


class TechInfo(NamedTuple):
    name: str
    icon: str
    # A provider-run service that is redundant by contract: `managed` defaults to true.
    managed: bool = False
    # Keeps its data in memory and answers in well under a millisecond: a cache
    # in front of it gains nothing (lint: missing-cache).
    in_memory: bool = False


KINDS: dict[str, KindInfo] = {
    kind.name: kind
    for kind in (
        KindInfo("client", "a user, browser, mobile app or calling system", "onprem.client.Users"),
        KindInfo("cdn", "content delivery network edge", "aws.network.CloudFront"),
        KindInfo("dns", "name resolution", "aws.network.Route53"),
        KindInfo("load_balancer", "L4/L7 load balancer spreading traffic over replicas", "aws.network.ElasticLoadBalancing"),
        KindInfo("api_gateway", "API gateway: auth, rate limiting, routing", "aws.network.APIGateway"),
        KindInfo("service", "a synchronous application service", "onprem.compute.Server"),
        KindInfo("worker", "a background consumer or batch worker", "aws.compute.Batch"),
        KindInfo("function", "a serverless function", "aws.compute.Lambda"),
        KindInfo("cache", "an in-memory cache", "aws.database.ElasticacheCacheNode"),
        KindInfo("database", "a database of record", "generic.database.SQL"),
        KindInfo("object_storage", "blob / object storage", "generic.storage.Storage"),
        KindInfo("queue", "a message queue", "aws.integration.SimpleQueueServiceSqsQueue"),
        KindInfo("stream", "a durable event log / stream", "aws.analytics.KinesisDataStreams"),
        KindInfo("search_index", "a full-text search index", "elastic.elasticsearch.Elasticsearch"),
        KindInfo("llm", "a large language model endpoint", "aws.ml.Bedrock"),
        KindInfo("vector_db", "a vector database for embeddings", "aws.database.Neptune"),
        KindInfo("external", "a third-party system outside the design", "onprem.network.Internet"),
        KindInfo("proxy", "a reverse proxy or web server in front of services", "onprem.network.Nginx"),
        KindInfo("scheduler", "a scheduler (cron) that starts jobs on a timetable", "aws.integration.EventbridgeScheduler"),
        KindInfo("pubsub", "a pub/sub topic or event bus fanning messages out to subscribers",
                 "aws.integration.SimpleNotificationServiceSns"),
        KindInfo("identity", "an identity provider: sign-in, tokens, users", "aws.security.Cognito"),
        KindInfo("observability", "logging, metrics or tracing: receives telemetry, off the request path",
                 "aws.management.Cloudwatch"),
        KindInfo("warehouse", "a data warehouse for analytics", "aws.analytics.Redshift"),
    )
}

_T = TechInfo
TECHS: dict[str, TechInfo] = {
    tech.name: tech
    for tech in (
        # caches and in-memory stores
        _T("redis", "onprem.inmemory.Redis", in_memory=True),
        _T("memcached", "onprem.inmemory.Memcached", in_memory=True),
        _T("hazelcast", "onprem.inmemory.Hazelcast", in_memory=True),
        _T("aerospike", "onprem.inmemory.Aerospike"),
        _T("elasticache", "aws.database.ElasticacheForRedis", managed=True, in_memory=True),
        _T("memorystore", "gcp.database.Memorystore", managed=True, in_memory=True),
        # queues and streams
        _T("kafka", "onprem.queue.Kafka"),
        _T("rabbitmq", "onprem.queue.Rabbitmq"),
        _T("activemq", "onprem.queue.Activemq"),
        _T("nats", "onprem.queue.Nats"),
        _T("celery", "onprem.queue.Celery"),
        _T("sqs", "aws.integration.SimpleQueueServiceSqs", managed=True),
        _T("sns", "aws.integration.SimpleNotificationServiceSns", managed=True),
        _T("eventbridge", "aws.integration.Eventbridge", managed=True),
        _T("kinesis", "aws.analytics.KinesisDataStreams", managed=True),
        _T("msk", "aws.analytics.ManagedStreamingForKafka", managed=True),
        _T("pubsub", "gcp.analytics.Pubsub", managed=True),
        # databases
        _T("postgresql", "onprem.database.Postgresql"),
        _T("mysql", "onprem.database.Mysql"),
        _T("mariadb", "onprem.database.Mariadb"),
        _T("mssql", "onprem.database.Mssql"),
        _T("oracle", "onprem.database.Oracle"),
        _T("cassandra", "onprem.database.Cassandra"),
        _T("scylla", "onprem.database.Scylla"),
        _T("hbase", "onprem.database.Hbase"),
        _T("mongodb", "onprem.database.Mongodb"),
        _T("couchbase", "onprem.database.Couchbase"),
        _T("cockroachdb", "onprem.database.Cockroachdb"),
        _T("clickhouse", "onprem.database.Clickhouse"),
        _T("influxdb", "onprem.database.Influxdb"),
        _T("neo4j", "onprem.database.Neo4J"),
        _T("dynamodb", "aws.database.Dynamodb", managed=True),
        _T("rds", "aws.database.RDS", managed=True),
        _T("aurora", "aws.database.Aurora", managed=True),
        _T("spanner", "gcp.database.Spanner", managed=True),
        _T("bigtable", "gcp.database.Bigtable", managed=True),
        _T("firestore", "gcp.database.Firestore", managed=True),
        _T("cosmosdb", "azure.database.CosmosDb", managed=True),
        # search and vectors
        _T("elasticsearch", "elastic.elasticsearch.Elasticsearch"),
        _T("opensearch", "aws.analytics.AmazonOpensearchService", managed=True),
        _T("solr", "onprem.search.Solr"),
        _T("qdrant", "onprem.database.Qdrant"),
        # load balancers, proxies, gateways
        _T("nginx", "onprem.network.Nginx"),
        _T("haproxy", "onprem.network.Haproxy"),
        _T("envoy", "onprem.network.Envoy"),
        _T("traefik", "onprem.network.Traefik"),
        _T("kong", "onprem.network.Kong"),
        _T("elb", "aws.network.ElasticLoadBalancing", managed=True),
        _T("alb", "aws.network.ElbApplicationLoadBalancer", managed=True),
        _T("nlb", "aws.network.ElbNetworkLoadBalancer", managed=True),
        _T("aws-api-gateway", "aws.network.APIGateway", managed=True),
        # object storage, CDN, DNS
        _T("s3", "aws.storage.SimpleStorageServiceS3", managed=True),
        _T("gcs", "gcp.storage.Storage", managed=True),
        _T("azure-blob", "azure.database.BlobStorage", managed=True),
        _T("ceph", "onprem.storage.Ceph"),
        _T("cloudfront", "aws.network.CloudFront", managed=True),
        _T("cloudflare", "saas.cdn.Cloudflare", managed=True),
        _T("fastly", "saas.cdn.Fastly", managed=True),
        _T("akamai", "saas.cdn.Akamai", managed=True),
        _T("route53", "aws.network.Route53", managed=True),
        _T("coredns", "onprem.dns.Coredns"),
        # compute
        _T("lambda", "aws.compute.Lambda", managed=True),
        _T("ec2", "aws.compute.EC2"),
        _T("fargate", "aws.compute.Fargate"),
        _T("kubernetes", "k8s.compute.Pod"),
        _T("docker", "onprem.container.Docker"),
        _T("python", "programming.language.Python"),
        _T("go", "programming.language.Go"),
        _T("java", "programming.language.Java"),
        _T("nodejs", "programming.language.Nodejs"),
        _T("spark", "onprem.analytics.Spark"),
        _T("flink", "onprem.analytics.Flink"),
        _T("airflow", "onprem.workflow.Airflow"),
        # machine learning
        _T("bedrock", "aws.ml.Bedrock", managed=True),
        _T("sagemaker", "aws.ml.Sagemaker", managed=True),
        _T("vertexai", "gcp.ml.VertexAI", managed=True),
        # third parties
        _T("twilio", "saas.communication.Twilio", managed=True),
        _T("ses", "aws.engagement.SimpleEmailServiceSes", managed=True),
        _T("fcm", "firebase.grow.Messaging", managed=True),
        _T("slack", "saas.chat.Slack", managed=True),
        _T("teams", "saas.chat.Teams", managed=True),
        _T("okta", "saas.identity.Okta", managed=True),
        _T("auth0", "saas.identity.Auth0", managed=True),
        _T("stripe", "saas.payment.Stripe", managed=True),
        # coordination and observability
        _T("zookeeper", "onprem.network.Zookeeper"),
        _T("etcd", "onprem.network.Etcd"),
        _T("consul", "onprem.network.Consul"),
        _T("vault", "onprem.security.Vault"),
        _T("prometheus", "onprem.monitoring.Prometheus"),
        _T("grafana", "onprem.monitoring.Grafana"),
        # format 1.1: notifications and communication
        _T("apns", "generic.os.IOS", managed=True),
        _T("sendgrid", "azure.integration.SendgridAccounts", managed=True),
        _T("zendesk", "saas.crm.Zendesk", managed=True),
        _T("intercom", "saas.crm.Intercom", managed=True),
        _T("paypal", "saas.payment.Paypal", managed=True),
        _T("adyen", "saas.payment.Adyen", managed=True),
        _T("cloudinary", "saas.media.Cloudinary", managed=True),
        _T("mediaconvert", "aws.media.ElementalMediaconvert", managed=True),
        # SaaS without an icon of their own in diagrams: the generic external icon
        _T("jira", "onprem.network.Internet", managed=True),
        _T("servicenow", "onprem.network.Internet", managed=True),
        _T("salesforce", "onprem.network.Internet", managed=True),
        # messaging and event buses
        _T("amazon-mq", "aws.integration.MQ", managed=True),
        _T("service-bus", "azure.integration.ServiceBus", managed=True),
        _T("event-hubs", "azure.analytics.EventHubs", managed=True),
        _T("firehose", "aws.analytics.KinesisDataFirehose", managed=True),
        _T("emqx", "onprem.queue.Emqx"),
        _T("zeromq", "onprem.queue.Zeromq"),
        # change data capture runs on Kafka Connect: drawn with Kafka's icon
        _T("debezium", "onprem.queue.Kafka"),
        # databases, vectors
        _T("couchdb", "onprem.database.Couchdb"),
        _T("dgraph", "onprem.database.Dgraph"),
        _T("janusgraph", "onprem.database.Janusgraph"),
        _T("druid", "onprem.database.Druid"),
        _T("duckdb", "onprem.database.Duckdb"),
        # no icon of its own in diagrams: the vector_db kind's icon
        _T("pinecone", "aws.database.Neptune", managed=True),
        # warehouses and analytics
        _T("snowflake", "saas.analytics.Snowflake", managed=True),
        _T("bigquery", "gcp.analytics.Bigquery", managed=True),
        _T("redshift", "aws.analytics.Redshift", managed=True),
        _T("databricks", "onprem.analytics.Databricks", managed=True),
        _T("athena", "aws.analytics.Athena", managed=True),
        _T("glue", "aws.analytics.Glue", managed=True),
        _T("emr", "aws.analytics.EMR", managed=True),
        _T("dataflow", "gcp.analytics.Dataflow", managed=True),
        _T("dataproc", "gcp.analytics.Dataproc", managed=True),
        _T("looker", "gcp.analytics.Looker", managed=True),
        _T("dbt", "onprem.analytics.Dbt"),
        _T("hive", "onprem.analytics.Hive"),
        _T("presto", "onprem.analytics.Presto"),
        _T("trino", "onprem.analytics.Trino"),
        _T("hadoop", "onprem.analytics.Hadoop"),
        _T("beam", "onprem.analytics.Beam"),
        _T("storm", "onprem.analytics.Storm"),
        _T("superset", "onprem.analytics.Superset"),
        _T("metabase", "onprem.analytics.Metabase"),
        _T("tableau", "onprem.analytics.Tableau"),
        _T("nifi", "onprem.workflow.Nifi"),
        _T("kubeflow", "onprem.workflow.Kubeflow"),
        # schedulers and workflows
        _T("eventbridge-scheduler", "aws.integration.EventbridgeScheduler", managed=True),
        _T("cloud-scheduler", "gcp.devtools.Scheduler", managed=True),
        _T("cronjob", "k8s.compute.Cronjob"),
        _T("step-functions", "aws.integration.StepFunctions", managed=True),
        # proxies, web servers, meshes
        _T("caddy", "onprem.network.Caddy"),
        _T("apache", "onprem.network.Apache"),
        _T("tomcat", "onprem.network.Tomcat"),
        _T("istio", "onprem.network.Istio"),
        _T("linkerd", "onprem.network.Linkerd"),
        _T("oauth2-proxy", "onprem.auth.Oauth2Proxy"),
        # identity and security
        _T("cognito", "aws.security.Cognito", managed=True),
        _T("dex", "onprem.identity.Dex"),
        _T("secrets-manager", "aws.security.SecretsManager", managed=True),
        _T("waf", "aws.security.WAF", managed=True),
        # observability
        _T("cloudwatch", "aws.management.Cloudwatch", managed=True),
        _T("cloud-logging", "gcp.operations.Logging", managed=True),
        _T("cloud-monitoring", "gcp.operations.Monitoring", managed=True),
        _T("datadog", "saas.logging.Datadog", managed=True),
        _T("newrelic", "saas.logging.Newrelic", managed=True),
        _T("pagerduty", "saas.alerting.Pagerduty", managed=True),
        _T("opsgenie", "saas.alerting.Opsgenie", managed=True),
        _T("splunk", "onprem.monitoring.Splunk"),
        _T("sentry", "onprem.monitoring.Sentry"),
        _T("dynatrace", "onprem.monitoring.Dynatrace", managed=True),
        _T("thanos", "onprem.monitoring.Thanos"),
        _T("mimir", "onprem.monitoring.Mimir"),
        _T("jaeger", "onprem.tracing.Jaeger"),
        _T("tempo", "onprem.tracing.Tempo"),
        _T("loki", "onprem.logging.Loki"),
        _T("graylog", "onprem.logging.Graylog"),
        _T("fluentd", "onprem.aggregator.Fluentd"),
        _T("fluentbit", "onprem.logging.Fluentbit"),
        _T("kibana", "elastic.elasticsearch.Kibana"),
        _T("logstash", "elastic.elasticsearch.Logstash"),
        # machine learning
        _T("azure-openai", "azure.aimachinelearning.AzureOpenai", managed=True),
    )
}
del _T

# Other names people write for a tech: `tech: postgres` is `tech: postgresql`.
TECH_ALIASES: dict[str, str] = {
    "postgres": "postgresql",
    "pg": "postgresql",
    "mongo": "mongodb",
    "dynamo": "dynamodb",
    "memcache": "memcached",
    "rabbit": "rabbitmq",
    "sqlserver": "mssql",
    "sql-server": "mssql",
    "cockroach": "cockroachdb",
    "influx": "influxdb",
    "cosmos": "cosmosdb",
    "elastic": "elasticsearch",
    "k8s": "kubernetes",
    "golang": "go",
    "node": "nodejs",
    "node.js": "nodejs",
    "aws-lambda": "lambda",
    "amazon-s3": "s3",
    "aws-sqs": "sqs",
    "aws-sns": "sns",
    "google-pubsub": "pubsub",
    "gcp-pubsub": "pubsub",
    "api-gateway": "aws-api-gateway",
    "ms-teams": "teams",
    "apple-push": "apns",
    "firebase-messaging": "fcm",
    "kinesis-firehose": "firehose",
    "mq": "amazon-mq",
    "new-relic": "newrelic",
    "fluent-bit": "fluentbit",
    "eventbus": "eventbridge",
    "cron": "cronjob",
    "azure-service-bus": "service-bus",
    "stepfunctions": "step-functions",
}


def tech_name(name: str) -> str | None:
    """The catalog name of a tech as written (any case, or an alias), or None."""
    name = name.lower()
    if name in TECHS:
        return name
    return TECH_ALIASES.get(name)
