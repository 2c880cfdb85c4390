/** {@code lifeboat demo}: the main job end to end on embedded defaults, nothing to configure. */
package io.lifeboat.demo;
