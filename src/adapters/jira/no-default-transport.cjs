// The built artifact puts this in place of jira-client's default transport (postman-request, a
// large HTTP stack the bot never uses: it always hands jira-client its own transport, see
// status-keeping-transport.ts). Reaching it means that option was lost.
module.exports = function noDefaultTransport() {
  throw new Error('jira-client was called without the bot\'s own transport (createJiraClient passes `request`)');
};
