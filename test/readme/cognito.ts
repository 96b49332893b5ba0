import { createSession, cognito } from 'tokenvault';

const session = createSession({
  name: 'app',
  provider: cognito({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' }),
});
