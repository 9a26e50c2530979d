import {
  adminKeyPrefix,
  apiKeyMatches,
  apiKeyPrefix,
  generateAdminKey,
  generateApiKey,
  hashApiKey,
} from './api-key';

describe('API keys', () => {
  it('generates keys whose prefix and hash identify them', () => {
    const generated = generateApiKey();
    expect(generated.key.startsWith(`${generated.prefix}_`)).toBe(true);
    expect(apiKeyPrefix(generated.key)).toBe(generated.prefix);
    expect(generated.sha256).toBe(hashApiKey(generated.key));
    expect(apiKeyMatches(generated.key, generated.sha256)).toBe(true);
  });

  it('does not match another key with the same prefix', () => {
    const generated = generateApiKey();
    const forged = `${generated.prefix}_${'A'.repeat(43)}`;
    expect(apiKeyPrefix(forged)).toBe(generated.prefix);
    expect(apiKeyMatches(forged, generated.sha256)).toBe(false);
  });

  it.each(['', 'Bearer x', 'thk_short_x', 'thk_ABCDEFGH_' + 'a'.repeat(43)])(
    'finds no prefix in %p',
    (key) => {
      expect(apiKeyPrefix(key)).toBeNull();
    },
  );

  it('keeps admin keys and tenant keys apart', () => {
    const admin = generateAdminKey();
    expect(admin.key).toMatch(/^tha_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(adminKeyPrefix(admin.key)).toBe(admin.prefix);
    expect(apiKeyMatches(admin.key, admin.sha256)).toBe(true);
    // Neither kind passes for the other.
    expect(apiKeyPrefix(admin.key)).toBeNull();
    expect(adminKeyPrefix(generateApiKey().key)).toBeNull();
  });
});
