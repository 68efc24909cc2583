package org.medshare.service.records.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.medshare.abe.Attribute;
import org.medshare.abe.Policy;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * Who could open a record under a policy, from the policy text alone: its minimal satisfying attribute sets, and the
 * organisations (by id, without the epoch their attributes carry), roles, departments and purposes they name. A set without an {@code org:} attribute is satisfied by
 * a clinician of any organisation who holds the other attributes ({@code anyOrganisation}); {@code purpose:}
 * attributes are held only by attested enclaves running approved queries, never by a person.
 *
 * @param satisfyingSets the minimal attribute sets that satisfy the policy (none is a subset of another), each
 *                       sorted, smallest first
 */
public record PolicyPreview(
        String policy,
        List<List<String>> satisfyingSets,
        List<String> organisations,
        boolean anyOrganisation,
        List<String> roles,
        List<String> departments,
        List<String> purposes) {

    /** The most distinct attributes a previewed policy may name (the preview tries every subset). */
    public static final int MAX_ATTRIBUTES = 16;

    /**
     * The preview of {@code expression}, checked first by the rules an upload of {@code organisation} obeys.
     *
     * @throws RequestRefusedException 400 {@code invalid-policy} as for an upload, or when the policy names more than
     *     {@value #MAX_ATTRIBUTES} distinct attributes
     */
    public static PolicyPreview of(String expression, String organisation, PolicyRules rules) {
        if (expression == null) {
            throw RequestRefusedException.invalid("invalid-policy", "Invalid policy", "policy is required.");
        }
        Policy policy = rules.check(expression, organisation);
        List<String> attributes = List.copyOf(policy.attributes());
        if (attributes.size() > MAX_ATTRIBUTES) {
            throw RequestRefusedException.invalid(
                    "invalid-policy",
                    "Invalid policy",
                    "A preview covers policies of at most " + MAX_ATTRIBUTES + " distinct attributes; this one names "
                            + attributes.size() + ".");
        }
        List<Set<String>> minimal = new ArrayList<>();
        int n = attributes.size();
        for (int size = 1; size <= n; size++) {
            for (int mask = 1; mask < (1 << n); mask++) {
                if (Integer.bitCount(mask) != size) {
                    continue;
                }
                Set<String> set = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    if ((mask & (1 << i)) != 0) {
                        set.add(attributes.get(i));
                    }
                }
                if (minimal.stream().noneMatch(set::containsAll) && policy.isSatisfiedBy(set)) {
                    minimal.add(set);
                }
            }
        }
        TreeSet<String> organisations = new TreeSet<>();
        TreeSet<String> roles = new TreeSet<>();
        TreeSet<String> departments = new TreeSet<>();
        TreeSet<String> purposes = new TreeSet<>();
        boolean anyOrganisation = false;
        List<List<String>> sets = new ArrayList<>();
        for (Set<String> set : minimal) {
            boolean namesOrganisation = false;
            for (String text : set) {
                Attribute a = Attribute.of(text);
                String value = text.substring(a.key().length() + 1);
                switch (a.key()) {
                    case "org" -> {
                        organisations.add(a.epoch()
                                .map(epoch -> value.substring(0, value.length() - epoch.length() - 1))
                                .orElse(value));
                        namesOrganisation = true;
                    }
                    case "role" -> roles.add(value);
                    case "dept" -> departments.add(value);
                    default -> purposes.add(value);
                }
            }
            boolean personal = set.stream().noneMatch(t -> t.startsWith("purpose:"));
            anyOrganisation |= personal && !namesOrganisation;
            sets.add(List.copyOf(new TreeSet<>(set)));
        }
        return new PolicyPreview(
                expression,
                sets,
                List.copyOf(organisations),
                anyOrganisation,
                List.copyOf(roles),
                List.copyOf(departments),
                List.copyOf(purposes));
    }
}
