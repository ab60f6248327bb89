"""CloudFormation template values as the strings AWS would see: our own resources as sample ARNs,
pseudo parameters and the member stack's parameters as sample values. Used by iam-reference-check.py."""
import json
import re


# What a CloudFormation reference to one of our own resources stands for, as an ARN.
REF_ARNS = {
    "AWS::Logs::LogGroup": "arn:aws:logs:us-east-1:123456789012:log-group:{id}:*",
    "AWS::Lambda::Function": "arn:aws:lambda:us-east-1:123456789012:function:{id}",
    "AWS::StepFunctions::StateMachine": "arn:aws:states:us-east-1:123456789012:stateMachine:{id}",
    "AWS::SNS::Topic": "arn:aws:sns:us-east-1:123456789012:{id}",
    "AWS::SQS::Queue": "arn:aws:sqs:us-east-1:123456789012:{id}",
    "AWS::KMS::Key": "arn:aws:kms:us-east-1:123456789012:key/{id}",
    "AWS::IAM::Role": "arn:aws:iam::123456789012:role/{id}",
}
PSEUDO = {"AWS::Partition": "aws", "AWS::AccountId": "123456789012", "AWS::Region": "us-east-1",
          "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "stack"}
# Template parameters (the member stack's, set per StackSet deployment) as sample values.
PARAMETER_SAMPLES = {"HubAccount": "210987654321", "HubRegion": "eu-west-1",
                     "Regions": "eu-west-1,us-east-1", "MemberAccounts": "111111111111,222222222222"}


def resolve(value, resources):
    """A template value as the string AWS would see (our own resources as sample ARNs)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "Ref" in value:
            ref = value["Ref"]
            if ref in PSEUDO:
                return PSEUDO[ref]
            if ref in PARAMETER_SAMPLES:
                return PARAMETER_SAMPLES[ref]
            kind = resources.get(ref, {}).get("Type", "")
            if kind in ("AWS::SNS::Topic", "AWS::StepFunctions::StateMachine", "AWS::KMS::Key"):
                return REF_ARNS[kind].format(id=ref)
            return ref
        if "Fn::GetAtt" in value:
            logical, _attr = value["Fn::GetAtt"]
            kind = resources.get(logical, {}).get("Type", "")
            return REF_ARNS.get(kind, "arn:aws:unknown:us-east-1:123456789012:{id}").format(id=logical)
        if "Fn::Join" in value:
            sep, parts = value["Fn::Join"]
            return sep.join(resolve_values(parts, resources))
        if "Fn::Split" in value:
            sep, source = value["Fn::Split"]
            return resolve(source, resources).split(sep)
        if "Fn::If" in value:
            # The member stack's parameter choices: check the branch a StackSet with every parameter
            # set takes (the other branch is the hub's region alone, a subset of it).
            _condition, _then, otherwise = value["Fn::If"]
            return resolve_values(otherwise, resources)
        if "Fn::Sub" in value:
            text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
            return re.sub(r"\$\{([^}]+)\}", lambda m: PSEUDO.get(m.group(1), m.group(1)), text)
    raise ValueError(f"cannot resolve {json.dumps(value)}")


def resolve_values(value, resources):
    """A condition value (one value, a list, or an expression giving a list) as a list of strings."""
    if isinstance(value, list):
        out = []
        for v in value:
            r = resolve(v, resources)
            out.extend(r if isinstance(r, list) else [r])
        return out
    return resolve(value, resources)  # a scalar stays a scalar; an expression may give a list


def as_list(value):
    return value if isinstance(value, list) else [value]
