// Public surface of the test kit: what app test suites import from '@app/platform/testing'.
export { type AccessMatrix, describeAccessMatrix, type PermissionProbe } from './access-matrix.js';
export { createFakeClock, type FakeClock } from './clock.js';
export { createTestDatabase } from './database.js';
export { defineFactory } from './factory.js';
export {
  type FakeChatBody,
  type FakeLlm,
  type FakeLlmRequest,
  type FakeLlmScript,
  startFakeLlm,
} from './fake-llm.js';
export {
  type FakeRazorpay,
  type FakeRazorpayOptions,
  type FakeRazorpayRequest,
  type PaymentSeed,
  type PayoutStatus,
  type RazorpayDispute,
  type RazorpayErrorBody,
  type RazorpayEventEntities,
  type RazorpayOrder,
  type RazorpayOutageMode,
  type RazorpayPayment,
  type RazorpayPayout,
  type RazorpayRefund,
  type RazorpaySignedEvent,
  type RazorpaySigning,
  razorpaySignedEvent,
  startFakeRazorpay,
} from './fake-razorpay.js';
export {
  type FakeStripe,
  type FakeStripeOptions,
  type FakeStripeRequest,
  type OutageMode,
  type PaymentIntentSeed,
  type SignedEvent,
  type StripeErrorBody,
  type SubscriptionChanges,
  type SubscriptionSeed,
  signedEvent,
  startFakeStripe,
} from './fake-stripe.js';
export { fuzzEveryRoute } from './fuzz/run.js';
export { type AppFuzzSuite, describeAppUnderFuzz } from './fuzz-app.js';
export { defineKeyValueContract } from './kv-contract.js';
export { type LocalS3, listBucketKeys, startLocalS3 } from './local-s3.js';
export { captureLogs, type LogCapture } from './log-capture.js';
export { operationsWithoutExamples } from './openapi-examples.js';
export { type DocumentedSecuritySuite, describeDocumentedSecurity } from './openapi-security.js';
export { hasPostgresServer, type OwnPostgres, startOwnPostgres } from './own-postgres.js';
export { freePort, hasRedisServer, type OwnRedis, serviceAvailable, startOwnRedis } from './own-services.js';
export {
  type ClosedWith,
  type Frame,
  openRealtimeClient,
  type RealtimeClientOptions,
  type RealtimeTestClient,
} from './realtime-client.js';
export { buildTestApp, type TestApp, type TestAppOptions } from './test-app.js';
