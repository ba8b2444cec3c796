/**
 * The image lifecycle after pinning (issue 11): which digests and tags services hold ({@link
 * dev.ballast.lifecycle.Holdings}), the pinned-image guard, the tag watcher, drift, and rollouts on a moved tag.
 * May use deploy, schedule, resolve, registry, image, store, core and model; api and cli use it.
 */
package dev.ballast.lifecycle;
