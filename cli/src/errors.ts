/**
 * One readable line for any error an operator sees: no stack trace, no SDK noise; profile and
 * credential problems say what to do.
 */
import { printable } from '../../functions/network/text.js';

/** Error names with which AWS rejects the credentials themselves (not a missing permission). */
const REJECTED_CREDENTIALS = [
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
];

/** One readable line for an unexpected error (no stack trace for operators). */
export function oneLine(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'CliError') return error.message;
    const profile =
      /Profile (\S+) could not be found/i.exec(error.message) ??
      /profile "?([^"\s]+)"? not found/i.exec(error.message);
    if (profile) {
      return `AWS profile "${profile[1]}" was not found in ~/.aws/config or ~/.aws/credentials: check AWS_PROFILE`;
    }
    if (error.name === 'CredentialsProviderError' || /Could not load credentials/i.test(error.message)) {
      return 'no AWS credentials found: configure a profile (AWS_PROFILE) or environment credentials';
    }
    if (REJECTED_CREDENTIALS.includes(error.name)) {
      return `AWS rejected the credentials (${error.name}): they are expired, revoked or for another partition; refresh them (e.g. aws sso login --profile ${process.env.AWS_PROFILE ?? '<profile>'}) and retry`;
    }
    if (
      error.name === 'AccessDeniedException' ||
      error.name === 'UnauthorizedOperation' ||
      error.name === 'AccessDenied'
    ) {
      return `AWS denied the call (${error.name}): the profile lacks a permission: ${printable(error.message.split('\n')[0] ?? '')}`;
    }
    return printable(
      `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`.split('\n')[0] as string,
    );
  }
  return String(error);
}
