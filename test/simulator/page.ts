/**
 * The human page at `/__sim/` — "the phone": pending logins with their QR text
 * and Scan / Confirm / Cancel, the chats, a box to write into the logged-in
 * account as a contact or group member, and what the client sent. Plain HTML and
 * inline JS over the control API; no external assets.
 */

export const PAGE_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>WeChat Web simulator</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#ededed;color:#111}
header{background:#2e2e2e;color:#fff;padding:10px 16px}header b{color:#07c160}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px;padding:12px}
section{background:#fff;border-radius:6px;padding:10px 12px}h2{font-size:15px;margin:0 0 8px}
button{background:#07c160;color:#fff;border:0;border-radius:4px;padding:4px 10px;margin:2px;cursor:pointer}
button.grey{background:#888}code{font-size:12px;word-break:break-all}
ul{list-style:none;padding:0;margin:0}li{padding:4px 0;border-bottom:1px solid #eee}
select,textarea{width:100%;box-sizing:border-box;margin:4px 0}textarea{height:70px}
.muted{color:#888}.err{color:#c00}
</style></head><body>
<header><b>WeChat Web simulator</b> — the phone · <span id="status">loading…</span></header>
<main>
<section><h2>Pending logins</h2><ul id="logins"></ul></section>
<section><h2>Write to the logged-in account</h2>
<label>Chat<select id="chat"></select></label>
<label id="memberRow">Group member<select id="member"></select></label>
<textarea id="text" placeholder="Message text"></textarea>
<button id="send">Send</button> <span id="sendResult" class="muted"></span>
<h2 style="margin-top:12px">Phone</h2>
<button id="activity" class="grey">Phone activity</button><button id="logout" class="grey">Log out web</button>
</section>
<section><h2>Chats</h2><ul id="chats"></ul></section>
<section><h2>Sent by the client</h2><ul id="sent"></ul></section>
</main>
<script>
(function(){
var state=null;
function $(id){return document.getElementById(id)}
function el(tag,text,cls){var e=document.createElement(tag);if(text!=null)e.textContent=text;if(cls)e.className=cls;return e}
function api(path,body){
	return fetch('/__sim/api/'+path,{method:body?'POST':'GET',headers:{'Content-Type':'application/json'},body:body?JSON.stringify(body):undefined})
		.then(function(r){return r.json().then(function(j){if(!r.ok)throw new Error(j.error||r.status);return j})});
}
function button(label,fn,cls){var b=el('button',label,cls);b.onclick=function(){fn().then(refresh,function(e){alert(e.message)})};return b}
function nameOf(userName){
	var cs=(state&&state.contacts)||[];
	for(var i=0;i<cs.length;i++)if(cs[i].userName===userName)return cs[i].remarkName||cs[i].nickName;
	return userName;
}
function fillSelect(sel,items){
	var sig=JSON.stringify(items);if(sel.getAttribute('data-sig')===sig)return;sel.setAttribute('data-sig',sig);
	var keep=sel.value;sel.textContent='';
	items.forEach(function(it){var o=el('option',it.label);o.value=it.value;sel.appendChild(o)});
	if(items.some(function(it){return it.value===keep}))sel.value=keep;
}
function renderLogins(){
	var ul=$('logins');ul.textContent='';
	var open=state.pendingLogins.filter(function(l){return l.state==='waiting'||l.state==='scanned'});
	if(!open.length){ul.appendChild(el('li','No login waiting. Start the client (jslogin) to get a QR.','muted'));return}
	open.slice().reverse().forEach(function(l){
		var li=el('li');
		li.appendChild(el('div',(l.push?'Push login':'QR login')+' · '+l.state));
		if(!l.push)li.appendChild(el('code',state.qrBase+l.uuid));
		var row=el('div');
		if(l.state==='waiting'&&!l.push)row.appendChild(button('Scan',function(){return api('scan',{uuid:l.uuid})}));
		row.appendChild(button('Confirm',function(){return api('confirm',{uuid:l.uuid})}));
		row.appendChild(button('Cancel',function(){return api('cancel',{uuid:l.uuid})},'grey'));
		li.appendChild(row);ul.appendChild(li);
	});
}
function renderChats(){
	var ul=$('chats');ul.textContent='';
	state.contacts.forEach(function(c){
		var label=(c.remarkName?c.remarkName+' ('+c.nickName+')':c.nickName)+' · '+c.kind;
		if(c.members)label+=' · '+c.members.length+' members';
		ul.appendChild(el('li',label));
	});
	var chats=state.contacts.filter(function(c){return c.kind!=='special'});
	fillSelect($('chat'),chats.map(function(c){return{value:c.nickName,label:(c.kind==='group'?'[group] ':'')+(c.remarkName||c.nickName)}}));
	renderMembers();
}
function renderMembers(){
	var chat=state.contacts.filter(function(c){return c.nickName===$('chat').value})[0];
	var isGroup=chat&&chat.kind==='group';
	$('memberRow').style.display=isGroup?'':'none';
	if(isGroup)fillSelect($('member'),chat.members.filter(function(m){return!m.self}).map(function(m){return{value:m.nickName,label:m.displayName||m.nickName}}));
}
function renderSent(){
	var ul=$('sent');ul.textContent='';
	if(!state.sent.length){ul.appendChild(el('li','Nothing sent yet.','muted'));return}
	state.sent.slice().reverse().slice(0,50).forEach(function(s){
		var t=new Date(s.at).toLocaleTimeString();
		var what=s.type===1?s.content:('type '+s.type+(s.mediaId?' · media':''));
		ul.appendChild(el('li',t+' → '+nameOf(s.to)+': '+what+(s.revoked?' (revoked)':'')));
	});
}
function refresh(){
	return api('state').then(function(s){
		state=s;
		var ses=s.session;
		$('status').textContent=ses?(ses.nickName+(ses.loggedOut?' · logged out ('+ses.logoutCode+')':' · logged in on '+ses.mainHost+(ses.desktop?' (desktop)':''))):'nobody logged in';
		renderLogins();renderChats();renderSent();
	},function(e){$('status').textContent='simulator unreachable: '+e.message});
}
$('chat').onchange=renderMembers;
$('send').onclick=function(){
	var chat=state.contacts.filter(function(c){return c.nickName===$('chat').value})[0];
	var text=$('text').value;if(!chat||!text)return;
	var spec=chat.kind==='group'?{type:'text',group:chat.nickName,from:$('member').value,text:text}:{type:'text',from:chat.nickName,text:text};
	api('inject',spec).then(function(r){$('sendResult').textContent='delivered as '+r.msgId;$('text').value=''},function(e){$('sendResult').textContent=e.message});
};
$('activity').onclick=function(){api('phoneActivity',{}).then(refresh,function(e){alert(e.message)})};
$('logout').onclick=function(){api('forceLogout',{retcode:1101}).then(refresh,function(e){alert(e.message)})};
refresh();setInterval(refresh,1500);
})();
</script></body></html>`;
