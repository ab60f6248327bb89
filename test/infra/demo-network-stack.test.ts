import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DemoNetworkStack } from '../../infra/demo-network-stack.js';
import { testApp } from '../support/cdk.js';

const app = testApp();
const stack = new DemoNetworkStack(app, 'Demo', { env: { account: '123456789012', region: 'us-east-1' } });
Aspects.of(app).add(new AwsSolutionsChecks());
const template = Template.fromStack(stack);

const instanceNamed = (name: string) =>
  Object.values(template.findResources('AWS::EC2::Instance')).find((r) =>
    ((r as { Properties: { Tags: { Key: string; Value: string }[] } }).Properties.Tags ?? []).some(
      (t) => t.Key === 'Name' && t.Value === name,
    ),
  ) as { Properties: Record<string, unknown> } | undefined;

describe('demo network stack (the tutorial world in a real account)', () => {
  it('has the three VPCs with the seed CIDRs', () => {
    for (const cidr of ['10.10.0.0/16', '10.20.0.0/16', '172.31.0.0/16']) {
      template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: cidr });
    }
  });

  it('gives FinanceServer no public IP, in a subnet that maps none', () => {
    const finance = instanceNamed('FinanceServer');
    expect(finance).toBeDefined();
    const nics = finance?.Properties.NetworkInterfaces as
      | { AssociatePublicIpAddress?: boolean }[]
      | undefined;
    expect(nics?.[0]?.AssociatePublicIpAddress ?? false).toBe(false);
    template.hasResourceProperties('AWS::EC2::Subnet', {
      CidrBlock: '172.31.0.0/24',
      MapPublicIpOnLaunch: false,
    });
  });

  it('reaches SSM from the private Finance VPC through interface endpoints', () => {
    for (const service of ['ssm', 'ssmmessages', 'ec2messages']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        ServiceName: Match.stringLikeRegexp(`\\.${service}$`),
      });
    }
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore'],
          ],
        },
      ],
    });
  });

  it('carries the tags ARCHITECTURE.md defines', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupName: 'FinanceServerSecurityGroup',
      Tags: Match.arrayWith([{ Key: 'peering-autopilot:ingress', Value: 'icmp' }]),
    });
    const probe = (name: string) =>
      ((instanceNamed(name)?.Properties.Tags ?? []) as { Key: string; Value: string }[]).find(
        (t) => t.Key === 'peering-autopilot:probe',
      )?.Value;
    expect([probe('MarketingServer'), probe('DeveloperServer'), probe('FinanceServer')]).toEqual([
      'source',
      'source',
      'target',
    ]);
  });

  it('is cdk-nag AwsSolutions clean (every suppression carries its reason in code)', () => {
    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*')),
    ];
    expect(findings.map((f) => `${f.id}: ${String(f.entry.data).slice(0, 100)}`)).toEqual([]);
  });
});
