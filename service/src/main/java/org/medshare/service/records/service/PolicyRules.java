package org.medshare.service.records.service;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.medshare.abe.Attribute;
import org.medshare.abe.Policy;
import org.medshare.abe.PolicySyntaxException;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * Which policies a hospital may set on its own records:
 * <ul>
 *   <li>attribute keys are {@code org}, {@code role}, {@code dept} or {@code purpose};</li>
 *   <li>{@code org:} attributes may name any organisation, the uploading hospital or other consortium organisations
 *       it shares the record with (a hospital still uploads only as itself: the record's organisation is the
 *       caller's, and the upload statement is signed with its own key);</li>
 *   <li>{@code org:}, {@code dept:} and {@code purpose:} attributes carry the current epoch
 *       ({@code org:hospital-a@2026Q4}), and no attribute carries any other epoch (revocation: keys of an earlier
 *       epoch, and keys issued before organisation attributes carried one, open no record uploaded since).</li>
 * </ul>
 */
public final class PolicyRules {

    static final Set<String> KEYS = Set.of("org", "role", "dept", "purpose");
    static final Set<String> EPOCH_KEYS = Set.of("org", "dept", "purpose");

    private final String currentEpoch;

    public PolicyRules(String currentEpoch) {
        this.currentEpoch = currentEpoch;
    }

    /**
     * Parses {@code expression} and checks it against the rules for {@code organisation}.
     *
     * @throws RequestRefusedException (400 {@code invalid-policy}) naming the position or the offending attribute
     */
    public Policy check(String expression, String organisation) {
        Policy policy;
        try {
            policy = Policy.parse(expression);
        } catch (PolicySyntaxException e) {
            throw RequestRefusedException.invalid(
                    "invalid-policy", "Invalid policy", "The policy is malformed at position " + e.position() + ".");
        }
        for (String text : policy.attributes()) {
            Attribute attribute = Attribute.of(text);
            String key = attribute.key();
            if (!KEYS.contains(key)) {
                throw refused("attribute '" + text + "' has key '" + key + "'; allowed keys are "
                        + List.copyOf(new TreeSet<>(KEYS)));
            }
            Optional<String> epoch = attribute.epoch();
            if (EPOCH_KEYS.contains(key) && epoch.isEmpty()) {
                throw refused(
                        "attribute '" + text + "' must carry the current epoch, e.g. " + text + "@" + currentEpoch);
            }
            if (epoch.isPresent() && !epoch.get().equals(currentEpoch)) {
                throw refused(
                        "attribute '" + text + "' carries epoch " + epoch.get() + "; new uploads use " + currentEpoch);
            }
        }
        return policy;
    }

    private static RequestRefusedException refused(String detail) {
        return RequestRefusedException.invalid("invalid-policy", "Invalid policy", "The policy's " + detail + ".");
    }
}
