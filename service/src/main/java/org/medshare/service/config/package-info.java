/**
 * The service's configuration: every {@code medshare.*} key is read through {@code MedshareConfig}, with its
 * default there; and the strict JSON reading of request bodies.
 */
package org.medshare.service.config;
