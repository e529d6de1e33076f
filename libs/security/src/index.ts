export {
  parseSnsMessage,
  snsMessageSchema,
  snsStringToSign,
  type SnsMessage,
  type SnsMessageType,
} from './sns-notification';
export {
  SnsMessageVerifier,
  verifySnsSignature,
  type SnsMessageVerifierOptions,
  type SnsRejectionReason,
  type SnsVerificationResult,
} from './verify-sns-signature';
export { checkSigningCertificateUrl, type SigningCertificateUrlCheck } from './sns-signing-certificate-url';
export { parseSesReceipt, type SesBounceType, type SesReceipt } from './ses-receipt';
export {
  PushEndpointPolicy,
  type AddressLookup,
  type PushEndpointPolicyOptions,
  type PushSubscription,
  type ResolvedAddress,
} from './push-endpoint-policy';
export { isPublicAddress } from './public-address';
export {
  issueRecipientToken,
  verifyRecipientToken,
  type RecipientTokenClaims,
  type RecipientTokenSecret,
  type RecipientTokenVerification,
} from './recipient-token';
export { SecurityError, type SecurityErrorCode } from './security-error';
export { cutText, MASKED_TEXT_LIMIT, maskPersonalData, REDACTED } from './personal-data';
export {
  linkKeyringSchema,
  parseLinkKeyring,
  PREFERENCE_LINK_LIFETIME_SECONDS,
  signLink,
  verifyLink,
  type LinkClaims,
  type LinkKeyring,
  type LinkPurpose,
  type LinkSigningKey,
  type LinkSubject,
  type LinkVerification,
  type VerifiedLink,
} from './signed-links';
export {
  issueServiceToken,
  MINIMUM_SERVICE_TOKEN_SECRET_BYTES,
  SERVICE_TOKEN_LIFETIME_SECONDS,
  ServiceCredentials,
  ServiceTokenVerifier,
  verifyServiceToken,
  type ServiceCredentialsOptions,
  type ServiceTokenClaims,
  type ServiceTokenRejection,
  type ServiceTokenSecrets,
  type ServiceTokenVerification,
  type ServiceTokenVerifyOptions,
  type VerifiedServiceToken,
} from './service-token';
