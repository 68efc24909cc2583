/** What every REST resource shares: the one paging mechanism of list answers ({@link org.medshare.service.rest.Paging}). */
package org.medshare.service.rest;
