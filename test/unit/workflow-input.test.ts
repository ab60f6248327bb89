import fc from 'fast-check';
import { InputValidationError } from '../../functions/commons/errors.js';
import { WorkflowInputSchema } from '../../functions/commons/schemas.js';
import { parseOrThrow } from '../../functions/commons/validation.js';

const parse = (v: unknown) => parseOrThrow(WorkflowInputSchema, v, 'workflow input');

describe('manual workflow input', () => {
  it('accepts the documented input and defaults dryRun to false', () => {
    expect(parse({ peeringConnectionId: 'pcx-0123456789abcdef0' })).toEqual({
      peeringConnectionId: 'pcx-0123456789abcdef0',
      dryRun: false,
    });
    expect(parse({ peeringConnectionId: 'pcx-01234567', dryRun: true })).toMatchObject({ dryRun: true });
  });

  it.each([
    [{}, 'peeringConnectionId: '],
    [
      { peeringConnectionId: 'PCX-1' },
      'peeringConnectionId: expected "pcx-" followed by 8 or 17 lowercase hex digits (got "PCX-1")',
    ],
    [{ peeringConnectionId: 'pcx-0123456789abcdef0', dryRun: 'false' }, 'dryRun: '],
    [{ peeringConnectionId: 'pcx-0123456789abcdef0', force: true }, 'Unrecognized key: "force"'],
    [null, '(root): '],
  ])('fails for %j naming the field', (input, message) => {
    expect(() => parse(input)).toThrow(InputValidationError);
    expect(() => parse(input)).toThrow(message);
  });

  it('every one of 1,000 generated inputs parses or fails naming a field and value (fuzz)', () => {
    const input = fc.oneof(
      fc.record(
        {
          peeringConnectionId: fc.oneof(
            fc
              .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 17 })
              .map((h) => `pcx-${h}`),
            fc.string(),
          ),
          dryRun: fc.oneof(fc.boolean(), fc.anything()),
          trigger: fc.anything(),
          extra: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    fc.assert(
      fc.property(input, (v) => {
        try {
          const out = parse(v);
          return /^pcx-[0-9a-f]+$/.test(out.peeringConnectionId) && typeof out.dryRun === 'boolean';
        } catch (error) {
          return (
            error instanceof InputValidationError &&
            /^invalid workflow input: .+: .+\(got .+\)/.test(error.message)
          );
        }
      }),
      { numRuns: 1000 },
    );
  });
});
