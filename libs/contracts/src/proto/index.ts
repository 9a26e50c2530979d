import { join } from 'node:path';

/**
 * Absolute path of the tenant gRPC API definition. The .proto is read at run time (not
 * compiled to stubs), so the build copies it next to the compiled code (scripts/build.sh).
 */
export const SMS_PROTO_PATH = join(__dirname, 'sms.proto');
export const SMS_PROTO_PACKAGE = 'sms.v1';
