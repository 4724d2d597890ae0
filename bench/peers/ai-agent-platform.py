"""AI Agent Platform, drawn with mingrammer diagrams: the peer of blueprints/ai-agent-platform.yaml.

Usage: python bench/peers/ai-agent-platform.py OUTPUT_DIR
writes OUTPUT_DIR/ai-agent-platform.svg and OUTPUT_DIR/ai-agent-platform.png.
"""

import os
import sys

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import Batch
from diagrams.aws.integration import SimpleQueueServiceSqs
from diagrams.aws.ml import Bedrock
from diagrams.onprem.compute import Server
from diagrams.onprem.database import Postgresql
from diagrams.onprem.inmemory import Redis
from diagrams.onprem.network import Internet, Kong
from diagrams.onprem.security import Vault
from diagrams.saas.chat import Slack, Teams
from diagrams.saas.identity import Okta

out_dir = sys.argv[1] if len(sys.argv) > 1 else "."

with Diagram(
    "AI Agent Platform",
    filename=os.path.join(out_dir, "ai-agent-platform"),
    direction="TB",
    show=False,
    outformat=["svg", "png"],
):
    replies = Internet("Slack / Teams\nWeb API")

    with Cluster("Chat channels"):
        slack = Slack("Slack")
        teams = Teams("Teams")

    with Cluster("Edge"):
        api_gw = Kong("API Gateway\n(auth, rate\nlimit)\n×2")

    with Cluster("Session Manager"):
        session_mgr = Server("Session\nManager\n×3")
        session_store = Redis("Sessions\n(Redis)\n×3")
        tasks = SimpleQueueServiceSqs("Agent task\nqueue")
        tasks_dlq = SimpleQueueServiceSqs("Dead-letter\nqueue")

    with Cluster("Reasoning Engine (ReAct loop)"):
        react_loop = Batch("ReAct loop\norchestrator\n×24")
        planning = Server("Planning\n(LLM,\ndecompose)\n×2")
        execution = Server("Execution\nEngine (run\ntools)\n×3")
        observation = Server("Observation\n(evaluate)\n×2")
        guardrails = Server("Guardrails\n×2")
        budgets = Redis("Tenant\npolicies &\ncost counters\n(Redis)\n×3")

    with Cluster("Model routing"):
        model_router = Server("Model Router\n×2")
        fast_llm = Bedrock("Fast model\n(simple\ntasks)")
        strong_llm = Bedrock("Strong model\n(complex\nreasoning)")

    with Cluster("Tool Registry (per tenant)"):
        tool_registry = Server("Tool Registry\n(per tenant)\n×2")
        credentials = Vault("Isolated\ntenant\ncredentials\n(Vault)\n×3")

        with Cluster("Connectors"):
            servicenow = Internet("ServiceNow")
            jira = Internet("Jira")
            salesforce = Internet("Salesforce")
            okta = Okta("Okta")

    with Cluster("State Manager (Redis + Postgres)"):
        state_mgr = Server("State Manager\n×2")
        state_cache = Redis("Working state\n(Redis)\n×3")
        state_db = Postgresql("Agent state &\nhistory\n(Postgres)\n×2")

    [slack, teams] >> Edge(label="message events") >> api_gw
    api_gw >> session_mgr
    session_mgr >> Edge(label="session per user / thread") >> session_store
    session_mgr >> Edge(label="agent run", style="dashed") >> tasks
    tasks >> Edge(label="consume", style="dashed") >> react_loop
    tasks >> Edge(label="redrive after max receives", style="dashed") >> tasks_dlq
    react_loop >> Edge(label="1) reason") >> planning
    react_loop >> Edge(label="2) act") >> execution
    react_loop >> Edge(label="3) observe (until done)") >> observation
    [planning, observation] >> Edge(label="prompt") >> model_router
    model_router >> Edge(label="simple tasks") >> fast_llm
    model_router >> Edge(label="complex reasoning") >> strong_llm
    react_loop >> Edge(label="output validation, cost\ncontrols") >> guardrails
    execution >> Edge(label="permission enforcement") >> guardrails
    guardrails >> Edge(label="per-tenant policy & spend") >> budgets
    execution >> Edge(label="run tool") >> tool_registry
    tool_registry >> Edge(label="tenant credentials") >> credentials
    tool_registry >> Edge(label="connector call") >> [servicenow, jira, salesforce, okta]
    react_loop >> Edge(label="checkpoint state") >> state_mgr
    state_mgr >> Edge(label="working memory") >> state_cache
    state_mgr >> Edge(label="durable state & history") >> state_db
    react_loop >> Edge(label="reply in thread") >> replies
