package org.medshare.enclave.keyrelease;

import java.security.PublicKey;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The parties' public keys a key authority trusts, as they go into its measured configuration: the regulators'
 * query-approval keys ({@link KeyAuthority#APPROVERS}) and the hospitals' key-grant keys by organisation ({@link
 * KeyAuthority#GRANTORS}). Ed25519 public keys only; the private halves stay with the parties.
 *
 * @param approvers keys whose {@link QueryApproval}s release purpose keys to an attested worker
 * @param grantors  organisation → keys whose {@link UserKeyGrant}s issue keys to that organisation's clinicians
 */
public record TrustedParties(List<PublicKey> approvers, Map<String, List<PublicKey>> grantors) {

    public TrustedParties {
        approvers = List.copyOf(approvers);
        TreeMap<String, List<PublicKey>> copy = new TreeMap<>();
        grantors.forEach((org, keys) -> copy.put(org, List.copyOf(keys)));
        grantors = Collections.unmodifiableSortedMap(copy);
    }

    /** The {@link KeyAuthority#APPROVERS} setting: sorted key ids. */
    public String approverSetting() {
        return approvers.stream().map(QueryApproval::keyIdOf).sorted().collect(Collectors.joining(","));
    }

    /** The {@link KeyAuthority#GRANTORS} setting: {@code organisation=keyId}, sorted. */
    public String grantorSetting() {
        return grantors.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(k -> e.getKey() + "=" + QueryApproval.keyIdOf(k)))
                .sorted()
                .collect(Collectors.joining(","));
    }
}
