/**
 * The attribute epochs as every party reads them and as the regulator raises them.
 */
package org.medshare.service.epochs.rest;
