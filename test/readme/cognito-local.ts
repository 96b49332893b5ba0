cognito({ clientId, userPoolId, endpoint: 'http://127.0.0.1:9229/' });
createVerifier({ clientId, userPoolId, issuer: `http://127.0.0.1:9229/${userPoolId}`, jwksUri: `http://127.0.0.1:9229/${userPoolId}/.well-known/jwks.json` });
