package org.medshare.service.badinput;

import java.util.function.Function;

/**
 * One bad request of the corpus.
 *
 * @param name   what is wrong with it, unique in the corpus
 * @param status the 4xx status the service must answer with
 * @param kind   the expected problem type's last segment (under {@code https://medshare.example/problems/}), or null
 *               where only the status is specified (framework-level refusals, or several checks that may fire first)
 * @param send   sends the request against the fixture and returns the answer
 */
record BadInput(String name, int status, String kind, Function<Fixture, Answer> send) {

    BadInput {
        if (status < 400 || status > 499) {
            throw new IllegalArgumentException(name + ": a bad input must be answered with a 4xx status");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
