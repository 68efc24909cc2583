package org.medshare.service.records.service;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON part {@code metadata} of an upload: what the hospital states about the record besides its bytes.
 *
 * @param idempotencyKey the client's key; a retry with the same key returns the first upload's result
 * @param policy         the record's ABE policy expression (must equal the envelope's)
 * @param tags           coarse tags the hospital chooses to disclose (may be empty)
 * @param signingKeyId   id of the hospital's registered signing key
 * @param signature      base64 signature of the {@code UploadStatement} by that key
 */
public record UploadMetadata(
        String idempotencyKey, String policy, Map<String, String> tags, String signingKeyId, String signature) {

    @JsonCreator
    public UploadMetadata(
            @JsonProperty(value = "idempotencyKey", required = true) String idempotencyKey,
            @JsonProperty(value = "policy", required = true) String policy,
            @JsonProperty("tags") Map<String, String> tags,
            @JsonProperty(value = "signingKeyId", required = true) String signingKeyId,
            @JsonProperty(value = "signature", required = true) String signature) {
        this.idempotencyKey = idempotencyKey;
        this.policy = policy;
        this.tags = tags == null ? new TreeMap<>() : new TreeMap<>(tags);
        this.signingKeyId = signingKeyId;
        this.signature = signature;
    }
}
