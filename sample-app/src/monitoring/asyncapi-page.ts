/**
 * GET /messages/asyncapi: a page that fetches asyncapi.json beside it and lists its channels,
 * operations and messages with their payload schemas. Plain HTML and one inline script, no CDN:
 * it works offline. Every value from the document is written with `textContent`, never as HTML.
 */
export const ASYNCAPI_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Message catalog (AsyncAPI)</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
  h2 { border-bottom: 1px solid #ccc; margin-top: 2rem; }
  section { margin: 1rem 0; padding: .5rem 1rem; border-left: 4px solid #8ab; background: #f6f9fa; }
  .send { border-color: #c93; } .receive { border-color: #396; }
  code, pre { font: 13px ui-monospace, monospace; } pre { background: #fff; padding: .5rem; overflow: auto; }
  .muted { color: #667; }
</style>
</head>
<body>
<h1 id="title">Message catalog</h1>
<p id="description" class="muted">Loading asyncapi.json…</p>
<h2>Operations</h2><div id="operations"></div>
<h2>Channels</h2><div id="channels"></div>
<h2>Messages</h2><div id="messages"></div>
<script>
  const el = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  };
  const last = (ref) => (ref && ref.$ref ? ref.$ref.split('/').pop() : '');
  fetch('asyncapi.json')
    .then((response) => response.json())
    .then((doc) => {
      document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version + ' (AsyncAPI ' + doc.asyncapi + ')';
      document.getElementById('description').textContent = doc.info.description || '';
      const operations = document.getElementById('operations');
      for (const [id, op] of Object.entries(doc.operations)) {
        const section = el('section', undefined, op.action);
        section.append(el('strong', op.action + ' '), el('code', id), el('div', op.title || ''));
        section.append(el('div', 'channel: ' + last(op.channel) + ' · messages: ' + op.messages.map(last).join(', ')));
        if (op.reply) section.append(el('div', 'reply: ' + op.reply.messages.map(last).join(', ') + ' on ' + last(op.reply.channel)));
        operations.append(section);
      }
      const channels = document.getElementById('channels');
      for (const [id, channel] of Object.entries(doc.channels)) {
        const section = el('section');
        section.append(el('code', id), el('div', 'address: ' + channel.address + ' · transport: ' +
          channel['x-smart-message-transport'] + ' (' + channel['x-smart-message-transport-kind'] + ')'));
        section.append(el('div', 'messages: ' + Object.keys(channel.messages).join(', ')));
        channels.append(section);
      }
      const messages = document.getElementById('messages');
      for (const [id, message] of Object.entries(doc.components.messages)) {
        const section = el('section');
        section.append(el('h3', id), el('div', message.summary || '', 'muted'));
        section.append(el('div', 'content type: ' + (message.contentType || doc.defaultContentType) +
          ' · serializer: ' + message['x-smart-message-serializer']));
        const schema = doc.components.schemas[last(message.payload)];
        section.append(el('pre', JSON.stringify(schema, null, 2)));
        messages.append(section);
      }
    })
    .catch((error) => {
      document.getElementById('description').textContent = 'Could not load asyncapi.json: ' + error;
    });
</script>
</body>
</html>
`;
