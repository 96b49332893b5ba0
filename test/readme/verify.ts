import { createVerifier } from 'tokenvault/verify';

const verifier = createVerifier({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' });
const idClaims = await verifier.verifyIdToken(idToken);       // iss, aud, token_use "id", exp
const accessClaims = await verifier.verifyAccessToken(token); // iss, client_id, token_use "access", exp
