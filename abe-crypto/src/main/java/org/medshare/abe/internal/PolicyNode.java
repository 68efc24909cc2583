package org.medshare.abe.internal;

import java.util.List;

/**
 * Abstract syntax of an access policy: leaves are attributes, inner nodes are threshold gates
 * (AND = n of n, OR = 1 of n). Immutable.
 */
public sealed interface PolicyNode permits PolicyNode.Leaf, PolicyNode.Gate {

    /** An attribute leaf. */
    record Leaf(String attribute) implements PolicyNode {}

    /** A {@code threshold}-of-{@code children.size()} gate; requires 1 <= threshold <= children. */
    record Gate(int threshold, List<PolicyNode> children) implements PolicyNode {
        public Gate {
            children = List.copyOf(children);
            if (children.size() < 2 || threshold < 1 || threshold > children.size()) {
                throw new IllegalArgumentException("bad gate " + threshold + " of " + children.size());
            }
        }

        public boolean isAnd() {
            return threshold == children.size();
        }

        public boolean isOr() {
            return threshold == 1;
        }
    }
}
