package org.medshare.abe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.medshare.abe.internal.Lsss;
import org.medshare.abe.internal.PolicyNode;
import org.medshare.abe.internal.PolicyNode.Gate;
import org.medshare.abe.internal.PolicyNode.Leaf;

/**
 * A monotone access policy over attributes ({@link Attribute}), written in the expression language below.
 *
 * <pre>
 *   expr      := and-expr ( OR and-expr )*
 *   and-expr  := primary ( AND primary )*
 *   primary   := '(' expr ')' | K of '(' expr ( ',' expr )* ')' | attribute
 *   attribute := key ':' value [ '@' epoch ]      characters: letters, digits, _ . - @ :
 * </pre>
 *
 * {@code AND}, {@code OR} and {@code of} are case-insensitive; AND binds tighter than OR. An
 * attribute may appear more than once. Limits (refused beyond): {@value #MAX_LENGTH} characters,
 * {@value #MAX_LEAVES} attribute occurrences, nesting depth {@value #MAX_DEPTH}, span programs with more than
 * {@value Lsss#MAX_NON_ZERO} non-zero entries (e.g. a 300-of-600 threshold).
 *
 * <p>Immutable; equality is structural on the canonical form returned by {@link #toString()}, which
 * {@link #parse(String)} maps back to an equal policy.
 */
public final class Policy {
    public static final int MAX_LENGTH = 16_384;
    public static final int MAX_LEAVES = 1024;
    public static final int MAX_DEPTH = 32;

    private final PolicyNode root;
    private final String canonical;
    private volatile Lsss lsss;

    private Policy(PolicyNode root) {
        this.root = root;
        StringBuilder sb = new StringBuilder();
        render(root, sb, true);
        this.canonical = sb.toString();
    }

    /**
     * Parses a policy expression.
     *
     * @throws PolicySyntaxException if the expression is malformed; the exception carries the position
     */
    public static Policy parse(String expression) {
        if (expression == null) {
            throw new PolicySyntaxException("policy is null", 0);
        }
        if (expression.length() > MAX_LENGTH) {
            throw new PolicySyntaxException("policy longer than " + MAX_LENGTH + " characters", MAX_LENGTH);
        }
        Parser p = new Parser(expression);
        PolicyNode node = p.expr(0);
        p.skipSpace();
        if (p.pos != expression.length()) {
            throw new PolicySyntaxException("unexpected '" + expression.charAt(p.pos) + "'", p.pos);
        }
        Policy policy = new Policy(node);
        try {
            policy.spanProgram();
        } catch (Lsss.TooComplexException e) {
            throw new PolicySyntaxException(e.getMessage(), 0);
        }
        return policy;
    }

    /** True iff the attribute set satisfies this policy (exact string match on attributes). */
    public boolean isSatisfiedBy(Set<String> attributes) {
        return satisfied(root, attributes);
    }

    private static boolean satisfied(PolicyNode n, Set<String> attrs) {
        if (n instanceof Leaf leaf) {
            return attrs.contains(leaf.attribute());
        }
        Gate g = (Gate) n;
        int ok = 0;
        for (PolicyNode c : g.children()) {
            if (satisfied(c, attrs) && ++ok >= g.threshold()) {
                return true;
            }
        }
        return false;
    }

    /** Distinct attributes named in the policy, in order of first appearance. */
    public Set<String> attributes() {
        Set<String> out = new LinkedHashSet<>();
        collect(root, out);
        return Collections.unmodifiableSet(out);
    }

    private static void collect(PolicyNode n, Set<String> out) {
        if (n instanceof Leaf leaf) {
            out.add(leaf.attribute());
        } else {
            for (PolicyNode c : ((Gate) n).children()) {
                collect(c, out);
            }
        }
    }

    /** The monotone span program of this policy (compiled once, cached). */
    public Lsss spanProgram() {
        Lsss l = lsss;
        if (l == null) {
            l = Lsss.compile(root);
            lsss = l;
        }
        return l;
    }

    /** The syntax tree (for the span-program compiler). */
    public PolicyNode root() {
        return root;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Policy p && p.canonical.equals(canonical);
    }

    @Override
    public int hashCode() {
        return canonical.hashCode();
    }

    /** The canonical expression: fully parenthesised, upper-case operators. */
    @Override
    public String toString() {
        return canonical;
    }

    private static void render(PolicyNode n, StringBuilder sb, boolean top) {
        if (n instanceof Leaf leaf) {
            sb.append(leaf.attribute());
            return;
        }
        Gate g = (Gate) n;
        if (g.isAnd() || g.isOr()) {
            String op = g.isAnd() ? " AND " : " OR ";
            if (!top) {
                sb.append('(');
            }
            for (int i = 0; i < g.children().size(); i++) {
                if (i > 0) {
                    sb.append(op);
                }
                render(g.children().get(i), sb, false);
            }
            if (!top) {
                sb.append(')');
            }
        } else {
            sb.append(g.threshold()).append(" of (");
            for (int i = 0; i < g.children().size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                render(g.children().get(i), sb, true);
            }
            sb.append(')');
        }
    }

    private static final class Parser {
        private final String s;
        int pos;
        int leaves;

        Parser(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        /** Reads a word made of attribute characters without consuming it; returns "" if none. */
        String peekWord() {
            skipSpace();
            int end = pos;
            while (end < s.length() && Attribute.isAttributeChar(s.charAt(end))) {
                end++;
            }
            return s.substring(pos, end);
        }

        boolean peekKeyword(String kw) {
            String w = peekWord();
            return w.equalsIgnoreCase(kw);
        }

        void expect(char c, String what) {
            skipSpace();
            if (pos >= s.length()) {
                throw new PolicySyntaxException("expected " + what + " but the expression ended", pos);
            }
            if (s.charAt(pos) != c) {
                throw new PolicySyntaxException("expected " + what + " but found '" + s.charAt(pos) + "'", pos);
            }
            pos++;
        }

        PolicyNode expr(int depth) {
            if (depth > MAX_DEPTH) {
                throw new PolicySyntaxException("nesting deeper than " + MAX_DEPTH, pos);
            }
            List<PolicyNode> terms = new ArrayList<>();
            terms.add(and(depth));
            while (peekKeyword("or")) {
                pos += 2;
                terms.add(and(depth));
            }
            return terms.size() == 1 ? terms.get(0) : new Gate(1, terms);
        }

        PolicyNode and(int depth) {
            List<PolicyNode> terms = new ArrayList<>();
            terms.add(primary(depth));
            while (peekKeyword("and")) {
                pos += 3;
                terms.add(primary(depth));
            }
            return terms.size() == 1 ? terms.get(0) : new Gate(terms.size(), terms);
        }

        PolicyNode primary(int depth) {
            skipSpace();
            if (pos >= s.length()) {
                throw new PolicySyntaxException("expected an attribute, '(' or 'K of (' but the expression ended", pos);
            }
            char c = s.charAt(pos);
            if (c == '(') {
                pos++;
                PolicyNode inner = expr(depth + 1);
                expect(')', "')'");
                return inner;
            }
            int start = pos;
            String word = peekWord();
            if (word.isEmpty()) {
                throw new PolicySyntaxException("unexpected '" + c + "'", pos);
            }
            if (word.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                return threshold(word, start, depth);
            }
            if (word.equalsIgnoreCase("and") || word.equalsIgnoreCase("or") || word.equalsIgnoreCase("of")) {
                throw new PolicySyntaxException("operator '" + word + "' where an attribute was expected", start);
            }
            int end = start + word.length();
            if (end < s.length()) {
                char after = s.charAt(end);
                if (!Character.isWhitespace(after) && after != '(' && after != ')' && after != ',') {
                    throw new PolicySyntaxException("character '" + after + "' not allowed in an attribute", end);
                }
            }
            String problem = Attribute.problem(word);
            if (problem != null) {
                throw new PolicySyntaxException("invalid attribute '" + word + "' (" + problem + ")", start);
            }
            if (++leaves > MAX_LEAVES) {
                throw new PolicySyntaxException("more than " + MAX_LEAVES + " attributes", start);
            }
            pos += word.length();
            return new Leaf(word);
        }

        PolicyNode threshold(String number, int start, int depth) {
            if (number.length() > 4) {
                throw new PolicySyntaxException("threshold too large", start);
            }
            int k = Integer.parseInt(number);
            pos += number.length();
            if (!peekKeyword("of")) {
                throw new PolicySyntaxException("expected 'of' after threshold " + number, pos);
            }
            pos += 2;
            expect('(', "'(' after 'of'");
            if (depth + 1 > MAX_DEPTH) {
                throw new PolicySyntaxException("nesting deeper than " + MAX_DEPTH, pos);
            }
            List<PolicyNode> children = new ArrayList<>();
            children.add(expr(depth + 1));
            skipSpace();
            while (pos < s.length() && s.charAt(pos) == ',') {
                pos++;
                children.add(expr(depth + 1));
                skipSpace();
            }
            expect(')', "',' or ')'");
            if (k < 1 || k > children.size()) {
                throw new PolicySyntaxException(
                        "threshold " + k + " not between 1 and the " + children.size() + " alternatives", start);
            }
            return children.size() == 1 ? children.get(0) : new Gate(k, children);
        }
    }
}
