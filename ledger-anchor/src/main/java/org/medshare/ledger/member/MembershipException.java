package org.medshare.ledger.member;

import java.security.GeneralSecurityException;

/** A member certificate or a membership change was refused. */
public final class MembershipException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public MembershipException(String message) {
        super(message);
    }
}
