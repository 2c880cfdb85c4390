/** age encryption to public keys on the way out, decryption with an identity file on the drill side. */
package io.lifeboat.crypto;
