// Test defaults: no structured logs or EMF on the console, a region, and dummy credentials so
// no test can ever reach a real account by accident (integration tests point AWS_ENDPOINT_URL at moto).
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
delete process.env.AWS_PROFILE;
process.env.PROBE_FIRST_POLL_MS = '0';
process.env.AWS_ACCOUNT_ID = '123456789012'; // moto's default account
