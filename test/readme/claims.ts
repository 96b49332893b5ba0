const { claims, groups, username } = session.getSnapshot();
claims?.email;            // the ID token's claims
groups;                   // from cognito:groups, always an array ([] when none)
username;                 // cognito:username (ID token) or username (access token)
