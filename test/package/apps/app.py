#!/usr/bin/env python3
# The same app in Python, from the wheel.
import json
import sys

from aws_cdk import App, Aspects, Environment, Stack
from aws_cdk.aws_iam import AccountRootPrincipal, Role
from cdk_nag import AwsSolutionsChecks
from peering_autopilot import (
    AcceptPolicy,
    DnsResolution,
    OutsideAccounts,
    PeeringAutopilot,
    PeeringAutopilotMemberStack,
    PeeringAutopilotStack,
    RunOutcome,
    TagKeys,
)

app = App()
env = Environment(account="123456789012", region="eu-west-1")
PeeringAutopilotStack(app, "Hub", env=env)
with_members = Stack(app, "HubWithMembers", env=env)
autopilot = PeeringAutopilot(
    with_members,
    "PeeringAutopilot",
    alarm_email="netops@example.com",
    accept_policy=AcceptPolicy.TAGGED_ONLY,
    dns_resolution=DnsResolution.ALWAYS,
    outside_accounts=OutsideAccounts.APPROVE,
    members=["111111111111", "222222222222"],
    regions=["eu-west-1", "us-east-1"],
)
# The people who decide about waiting peerings get the exported approver policy.
Role(with_members, "Approvers", assumed_by=AccountRootPrincipal(), managed_policies=[autopilot.approver_policy])
PeeringAutopilotMemberStack(app, "Member", env=Environment(account="111111111111", region="eu-west-1"))
try:
    PeeringAutopilot(Stack(App(), "Bad", env=env), "PeeringAutopilot", members=["123"])
except Exception as e:  # jsii raises the construct's Error as a RuntimeError
    print(f"props error: {e}", file=sys.stderr)
print("names: " + json.dumps({"outcomes": RunOutcome.ALL, "ingress": TagKeys.INGRESS}, separators=(",", ":")), file=sys.stderr)
Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
app.synth()
