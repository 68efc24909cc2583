package org.medshare.enclave.stats;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Exact samplers for the discrete Laplace and discrete Gaussian distributions over the integers,
 * following C. Canonne, G. Kamath, T. Steinke, "The Discrete Gaussian for Differential Privacy",
 * NeurIPS 2020 (arXiv:2004.00010), Algorithm 1 (Bernoulli(exp(-gamma)) for rational gamma),
 * Algorithm 2 (discrete Laplace) and Algorithm 3 (discrete Gaussian).
 *
 * <p>All arithmetic is on integers and exact rationals ({@link BigInteger}); the only randomness is
 * uniform integers drawn from the supplied {@link SecureRandom}. There is no floating-point sampling,
 * so the attack of Mironov (CCS 2012) on floating-point Laplace does not apply. Tests make the
 * distribution checks deterministic with a seeded {@code SHA1PRNG} instance.
 *
 * <p>Distributions: {@code Lap_Z(t/s)} has {@code P[x] ∝ exp(-|x|·s/t)};
 * {@code N_Z(0, σ²)} has {@code P[x] ∝ exp(-x²/(2σ²))}. Not thread-safe if the generator is not.
 */
public final class DiscreteSamplers {
    private final SecureRandom rng;

    public DiscreteSamplers(SecureRandom rng) {
        this.rng = rng;
    }

    /** Uniform in {@code [0, n)}, {@code n >= 1}, by rejection (no modulo bias). */
    BigInteger uniform(BigInteger n) {
        if (n.signum() <= 0) {
            throw new IllegalArgumentException("n must be positive");
        }
        int bits = n.bitLength();
        while (true) {
            BigInteger r = new BigInteger(bits, rng);
            if (r.compareTo(n) < 0) {
                return r;
            }
        }
    }

    /** Bernoulli(num/den), {@code 0 <= num <= den}, {@code den > 0}. */
    boolean bernoulli(BigInteger num, BigInteger den) {
        return uniform(den).compareTo(num) < 0;
    }

    /** CKS Algorithm 1: Bernoulli(exp(-num/den)) for {@code num >= 0, den > 0}. */
    boolean bernoulliExp(BigInteger num, BigInteger den) {
        if (num.compareTo(den) <= 0) {
            BigInteger k = BigInteger.ONE;
            while (bernoulli(num, den.multiply(k))) {
                k = k.add(BigInteger.ONE);
            }
            return k.testBit(0);
        }
        BigInteger[] qr = num.divideAndRemainder(den);
        for (BigInteger i = BigInteger.ZERO; i.compareTo(qr[0]) < 0; i = i.add(BigInteger.ONE)) {
            if (!bernoulliExp(BigInteger.ONE, BigInteger.ONE)) {
                return false;
            }
        }
        return bernoulliExp(qr[1], den);
    }

    /**
     * CKS Algorithm 2: a sample of {@code Lap_Z(t/s)}, i.e. {@code P[x] ∝ exp(-|x|·s/t)}.
     *
     * @param s positive
     * @param t positive
     */
    public long discreteLaplace(BigInteger s, BigInteger t) {
        return discreteLaplaceBig(s, t).longValueExact();
    }

    /** As {@link #discreteLaplace} without the 64-bit range limit. */
    public BigInteger discreteLaplaceBig(BigInteger s, BigInteger t) {
        if (s.signum() <= 0 || t.signum() <= 0) {
            throw new IllegalArgumentException("discrete Laplace parameters must be positive");
        }
        while (true) {
            BigInteger u = uniform(t);
            if (!bernoulliExp(u, t)) {
                continue;
            }
            BigInteger v = BigInteger.ZERO;
            while (bernoulliExp(BigInteger.ONE, BigInteger.ONE)) {
                v = v.add(BigInteger.ONE);
            }
            BigInteger x = u.add(t.multiply(v));
            BigInteger y = x.divide(s);
            boolean negative = rng.nextBoolean();
            if (negative && y.signum() == 0) {
                continue;
            }
            return negative ? y.negate() : y;
        }
    }

    /**
     * CKS Algorithm 3: a sample of {@code N_Z(0, σ²)} with {@code σ² = sigma2Num/sigma2Den}.
     */
    public long discreteGaussian(BigInteger sigma2Num, BigInteger sigma2Den) {
        return discreteGaussianBig(sigma2Num, sigma2Den).longValueExact();
    }

    /** As {@link #discreteGaussian} without the 64-bit range limit. */
    public BigInteger discreteGaussianBig(BigInteger sigma2Num, BigInteger sigma2Den) {
        if (sigma2Num.signum() <= 0 || sigma2Den.signum() <= 0) {
            throw new IllegalArgumentException("variance must be positive");
        }
        // t = floor(sigma) + 1, with sigma = sqrt(num/den): floor(sqrt(num/den)) = floor(sqrt(floor(num/den)))
        BigInteger t = sigma2Num.divide(sigma2Den).sqrt().add(BigInteger.ONE);
        while (true) {
            BigInteger y = discreteLaplaceBig(BigInteger.ONE, t);
            // gamma = (|y| - sigma2/t)^2 / (2 sigma2) = (|y|·den·t - num)^2 / (2·num·den·t^2)
            BigInteger absY = y.abs();
            BigInteger diff = absY.multiply(sigma2Den).multiply(t).subtract(sigma2Num);
            BigInteger num = diff.multiply(diff);
            BigInteger den = BigInteger.TWO
                    .multiply(sigma2Num)
                    .multiply(sigma2Den)
                    .multiply(t)
                    .multiply(t);
            if (bernoulliExp(num, den)) {
                return y;
            }
        }
    }
}
