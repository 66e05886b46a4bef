/** Alliance members: identities, HTTP Basic credentials, rights on TAXII collections. */
export * from './basic-auth.ts';
export * from './members.ts';
export { hashPassword, verifyPassword } from './password.ts';
