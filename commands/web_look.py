"""How the public page looks and what its one script does: the style sheet (light and dark,
by the visitor's `prefers-color-scheme`), the script that shows times in the visitor's zone,
and the favicon. No framework and nothing fetched from elsewhere: the page's CSP allows only
these (commands/web.py hashes them, with the board's own, into it).

The script's contract, for every section of the page: each `<time datetime="...Z">` is
rewritten in the visitor's zone, as a date and time ("Thursday 26 November, 05:00"), or by
its `data-clock` (the time of day: "05:00") or `data-form`: "slot" ("Thursdays 05:00"; with
`data-same`, the time alone when the slot before it falls on the same weekday),
"day" ("Thu 26 Nov") or "until" ("today", "tomorrow", "in 3 days"). Each `data-zone`
element gets the visitor's place ("New York", "Kolkata", "UTC": `place`, a city, never an
offset), and the line `#zone` says the times are in it.
Without the script, the server's words stand: in UTC."""

from __future__ import annotations

PAGE_STYLE = """
:root{color-scheme:light dark;--bg:#f6f4f0;--fg:#1c1a17;--muted:#595550;--card:#fff;--line:#dcd6cc;
--accent:#0b6b4d;--on-accent:#fff;--link:#0a5a87;--warn:#9b2c1c;--code:#ece8e1;--focus:#c2410c}
@media (prefers-color-scheme:dark){:root{--bg:#141619;--fg:#e9e6e1;--muted:#aaa49c;--card:#1e2125;
--line:#363a40;--accent:#3ccf98;--on-accent:#07231a;--link:#86c8f7;--warn:#f5a08f;--code:#2a2e33;--focus:#fdba74}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif;overflow-wrap:anywhere}
body>header,main,footer{max-width:48rem;margin:0 auto;padding:0 1rem}
h1{display:flex;align-items:center;gap:.6rem;font-size:clamp(1.7rem,6vw,2.3rem);line-height:1.15;
margin:2rem 0 .5rem;letter-spacing:-.01em}
h1 img{flex:none;width:2.6rem;height:2.6rem}
h2{font-size:1.3rem;line-height:1.3;margin:2.75rem 0 .75rem}
h3{font-size:1.05rem;margin:1.5rem 0 .4rem}
p{margin:.5rem 0}ul{padding-left:1.25rem}ol{padding-left:2rem}li{margin:.35rem 0}
a{color:var(--link);text-underline-offset:.15em}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid var(--focus);
outline-offset:2px;border-radius:4px}
code{font:.88em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);
padding:.1em .35em;border-radius:4px}
img{max-width:100%;height:auto}
.muted{color:var(--muted)}.topic{overflow-wrap:anywhere}
.about{font-size:1.1rem;margin:.25rem 0}
.zone{font-size:.9rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:1.25rem 1.25rem 1rem;
margin:1.5rem 0;box-shadow:0 1px 2px rgba(0,0,0,.05),0 4px 14px rgba(0,0,0,.04)}
.card.live{border-left:6px solid var(--accent)}
.card h2{margin:.15rem 0 .35rem;font-size:1.45rem}
.card h3{margin-top:1.25rem}
.eyebrow{margin:0;font-size:.8rem;font-weight:700;letter-spacing:.08em;text-transform:uppercase;color:var(--muted)}
.live .eyebrow{color:var(--accent)}
.discussing{background:var(--bg);border:1px solid var(--line);border-radius:10px;padding:.65rem .85rem;margin:.85rem 0}
.discussing strong{display:block;font-size:.9rem;color:var(--accent)}
.discussing .topic{display:block;font-size:1.1rem;font-weight:600;margin:.15rem 0}
.count{white-space:nowrap}
.soon{display:inline-block;font-size:.85rem;font-weight:700;color:var(--on-accent);background:var(--accent);
border-radius:999px;padding:.1rem .6rem;margin-left:.35rem;vertical-align:.15em;white-space:nowrap}
.actions{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0 .5rem;padding:0;list-style:none}
.actions li{margin:0;flex:1 1 auto}
.button{display:block;text-align:center;padding:.6rem 1rem;border-radius:10px;border:1px solid var(--line);
background:var(--bg);color:var(--fg);font-weight:600;text-decoration:none;line-height:1.3}
.button:hover{border-color:var(--accent)}
.button.primary{background:var(--accent);border-color:var(--accent);color:var(--on-accent)}
.button.primary:hover{filter:brightness(1.08)}
.sessions{list-style:none;padding:0;margin:0;border-top:1px solid var(--line)}
.sessions li{display:flex;flex-wrap:wrap;align-items:baseline;gap:.1rem 1rem;margin:0;padding:.65rem .25rem;
border-bottom:1px solid var(--line)}
.sessions .date{font-weight:600;min-width:9.5rem}
.sessions .hosting{color:var(--muted);font-size:.95rem}
.cancelled,.cancelled .date{color:var(--warn)}
.cancelled del{text-decoration-thickness:1px}
.tag{font-size:.78rem;font-weight:700;letter-spacing:.03em;text-transform:uppercase;border:1px solid currentColor;
border-radius:999px;padding:0 .5rem;white-space:nowrap}
time[data-clock]{white-space:nowrap}
form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.75rem 0}
input[type=search]{flex:1;min-width:10rem;font:inherit;padding:.45rem .65rem;border:1px solid var(--line);
border-radius:8px;background:var(--card);color:var(--fg)}
button{font:inherit;font-weight:600;padding:.45rem 1rem;border-radius:8px;border:1px solid var(--accent);
background:var(--accent);color:var(--on-accent);cursor:pointer}
.languages{text-align:right;font-size:.9rem;margin:.75rem 0 0}
footer{margin-top:3.5rem;padding-top:1rem;padding-bottom:2.5rem;border-top:1px solid var(--line);font-size:.9rem}
""".strip()

PAGE_SCRIPT = """
(function(){
var zone=Intl.DateTimeFormat().resolvedOptions().timeZone||'UTC';
// Browsers name some places by their old tz id (Chromium: Asia/Calcutta for Asia/Kolkata).
var renamed={Calcutta:'Kolkata',Saigon:'Ho Chi Minh',Katmandu:'Kathmandu',Rangoon:'Yangon',Kiev:'Kyiv',
Godthab:'Nuuk',Faeroe:'Faroe',Truk:'Chuuk',Ponape:'Pohnpei',Enderbury:'Kanton',Dacca:'Dhaka',Thimbu:'Thimphu'};
function place(id){if(/^(Etc\\/)?(UTC|UCT|GMT|Universal|Zulu|Greenwich)$/.test(id))return 'UTC';
var city=id.split('/').pop();return renamed[city]||city.replace(/_/g,' ');}
var root=document.documentElement,locale=root.getAttribute('data-locale')||'en-GB';
// The page's words, from the server in the page's language: '{weekday} {day} {month}, {time}'.
function said(name,fallback,values){var t=root.getAttribute(name)||fallback;
return t.replace(/\\{(\\w+)\\}/g,function(m,k){return k in values?values[k]:m;});}
var words=new Intl.DateTimeFormat(locale,{weekday:'long',day:'numeric',month:'long',year:'numeric',
hour:'2-digit',minute:'2-digit',hourCycle:'h23'});
var digits=new Intl.DateTimeFormat('en-GB',{day:'numeric',month:'numeric',year:'numeric'});
var relative=new Intl.RelativeTimeFormat(locale,{numeric:'auto'});
function parts(f,d){var p={};f.formatToParts(d).forEach(function(x){p[x.type]=x.value;});return p;}
function dayNumber(d){var p=parts(digits,d);return Date.UTC(+p.year,+p.month-1,+p.day)/864e5;}
var now=new Date(),year=parts(words,now).year;
function until(d){return relative.format(Math.round(dayNumber(d)-dayNumber(now)),'day');}
function shown(d,form){var p=parts(words,d),hm=p.hour+':'+p.minute;
var v={weekday:p.weekday,day:p.day,month:p.month,year:p.year,time:hm};
if(form==='clock')return hm;
if(form==='slot')return said('data-slot','{weekday}s {time}',v);
if(form==='day')return p.weekday.slice(0,3)+' '+p.day+' '+p.month.slice(0,3)+(p.year===year?'':' '+p.year);
if(form==='until')return until(d);
return p.year===year?said('data-full','{weekday} {day} {month}, {time}',v):
said('data-full-year','{weekday} {day} {month} {year}, {time}',v);}
var day='';
document.querySelectorAll('time[datetime]').forEach(function(t){var d=new Date(t.getAttribute('datetime'));
if(isNaN(d))return;var form=t.hasAttribute('data-clock')?'clock':t.getAttribute('data-form'),text=shown(d,form);
// Slots one after another on the same weekday: 'Thursdays 09:00 and 18:00'.
if(form==='slot'){var q=parts(words,d),w=q.weekday;
if(t.hasAttribute('data-same')&&w===day){text=q.hour+':'+q.minute;}day=w;}
t.textContent=text;});
document.querySelectorAll('[data-zone]').forEach(function(z){z.textContent=place(zone);});
var line=document.getElementById('zone');
if(line&&place(zone)!=='UTC'){line.textContent=said('data-zone-line','Times are in {place} time, your time zone.',
{place:place(zone)});}
})();
""".strip()

# A cup of coffee on the page's green: Lean Coffee, and a call among friends.
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
    '<rect width="64" height="64" rx="14" fill="#0b6b4d"/>'
    '<path d="M14 26h30v10a13 13 0 0 1-13 13h-4a13 13 0 0 1-13-13z" fill="#fff"/>'
    '<path d="M44 29h3a6.5 6.5 0 0 1 0 13h-4" fill="none" stroke="#fff" stroke-width="4"/>'
    '<path d="M23 11c-3 3 3 6 0 10M31 11c-3 3 3 6 0 10" fill="none" stroke="#fff" stroke-width="3" '
    'stroke-linecap="round"/></svg>\n'
)
