package org.medshare.service.records.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.medshare.abe.sign.SigningKeys;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.digest.Sha256;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.records.persistence.RecordRepository;
import org.medshare.service.records.persistence.SigningKeyEntity;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * Hospitals register the public keys they sign uploads with. A key belongs to the organisation that
 * registered it (from the caller's token); its id is the first 16 bytes of SHA-256 over the
 * SubjectPublicKeyInfo, hex.
 */
@ApplicationScoped
public class SigningKeyService {

    /** API model of a registered key. */
    public record SigningKey(
            String keyId,
            String organisation,
            int hospitalNumber,
            String suite,
            String publicKey,
            Instant registeredAt,

            @Schema(nullable = true, description = "when the key was revoked; null while it is active")
            Instant revokedAt) {}

    private final RecordRepository repository;
    private final LedgerService ledger;
    private final Clock clock = Clock.systemUTC();

    @Inject
    SigningKeyService(RecordRepository repository, LedgerService ledger) {
        this.repository = repository;
        this.ledger = ledger;
    }

    /**
     * Registers {@code publicKeyBase64} (X.509 SubjectPublicKeyInfo of an Ed25519 or SM2 key) for the caller's
     * organisation. Registering the same active key again returns it unchanged.
     *
     * @throws RequestRefusedException 400 if the key does not decode; 409 {@code key-taken} if another organisation
     *                                 holds it; 409 {@code key-revoked} if it was revoked (a revoked key never
     *                                 becomes usable again: register a new one)
     */
    @Transactional
    public SigningKey register(Caller caller, String publicKeyBase64) {
        PublicKey key = decode(publicKeyBase64);
        byte[] spki = key.getEncoded();
        String keyId = keyId(spki);
        var existing = repository.signingKey(keyId);
        if (existing.isPresent()) {
            if (!existing.get().organisation().equals(caller.organisation())) {
                throw RequestRefusedException.conflict(
                        "key-taken",
                        "Key already registered",
                        "This public key is registered to another organisation.");
            }
            if (existing.get().revokedAt() != null) {
                throw RequestRefusedException.conflict(
                        "key-revoked",
                        "Key revoked",
                        "This public key was revoked at " + existing.get().revokedAt()
                                + " and cannot be registered again; generate and register a new key.");
            }
            return view(existing.get());
        }
        SigningKeyEntity entity = new SigningKeyEntity(
                keyId,
                caller.organisation(),
                SigningKeys.suiteOf(key).label(),
                Base64.getEncoder().encodeToString(spki),
                caller.subject(),
                clock.instant());
        repository.persist(entity);
        return view(entity);
    }

    @Transactional
    public List<SigningKey> list(Caller caller) {
        return repository.signingKeysOf(caller.organisation()).stream()
                .map(this::view)
                .toList();
    }

    /**
     * Revokes a key of the caller's organisation; uploads signed with it are refused from now on. The first
     * revocation is committed, then appended to the ledger as SIGNING_KEY_REVOKED; revoking it again changes
     * nothing and appends nothing.
     *
     * @throws RequestRefusedException 404 if the caller's organisation has no key {@code keyId}
     */
    public SigningKey revoke(Caller caller, String keyId) {
        Instant now = clock.instant();
        boolean[] changed = {false};
        SigningKey revoked = QuarkusTransaction.requiringNew().call(() -> {
            SigningKeyEntity key = repository
                    .signingKey(keyId)
                    .filter(k -> k.organisation().equals(caller.organisation()))
                    .orElseThrow(() -> RequestRefusedException.notFound("Signing key " + keyId));
            if (key.revokedAt() == null) {
                key.revoke(now);
                changed[0] = true;
            }
            return view(key);
        });
        if (changed[0]) {
            ledger.append(Event.builder(EventType.SIGNING_KEY_REVOKED)
                    .timestamp(now.toEpochMilli())
                    .id(Field.ACTOR, caller.organisation())
                    .id(Field.KEY_ID, keyId)
                    .build());
        }
        return revoked;
    }

    /**
     * The usable public key {@code keyId} of {@code organisation}.
     *
     * @throws RequestRefusedException 400 if unknown, of another organisation, or revoked
     */
    public PublicKey activeKey(String organisation, String keyId) {
        SigningKeyEntity key = repository
                .signingKey(keyId)
                .filter(k -> k.organisation().equals(organisation))
                .orElseThrow(() -> RequestRefusedException.invalid(
                        "unknown-signing-key",
                        "Unknown signing key",
                        "No signing key " + keyId + " is registered for " + organisation + "."));
        if (key.revokedAt() != null) {
            throw RequestRefusedException.invalid(
                    "revoked-signing-key",
                    "Revoked signing key",
                    "Signing key " + keyId + " was revoked at " + key.revokedAt() + ".");
        }
        return decode(key.publicKey());
    }

    private SigningKey view(SigningKeyEntity e) {
        int number = repository.hospitalNumber(e.organisation(), clock.instant());
        return new SigningKey(
                e.keyId(), e.organisation(), number, e.suite(), e.publicKey(), e.registeredAt(), e.revokedAt());
    }

    static String keyId(byte[] spki) {
        byte[] digest = Sha256.of(spki);
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    private static PublicKey decode(String base64) {
        try {
            return SigningKeys.decodePublic(Base64.getDecoder().decode(base64 == null ? "" : base64));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw RequestRefusedException.invalid(
                    "invalid-public-key",
                    "Invalid public key",
                    "publicKey must be the base64 X.509 SubjectPublicKeyInfo of an Ed25519 or SM2 key.");
        }
    }
}
