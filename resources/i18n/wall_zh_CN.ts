<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Alert</name>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="54"/>
        <source>24 h response</source>
        <translation>24小时响应</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="55"/>
        <source>2 h department start</source>
        <translation>部门2小时启动</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="56"/>
        <source>15-working-day closure</source>
        <translation>15个工作日办结</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="141"/>
        <source>%1 overdue: %n case(s) (%2)</source>
        <translation>%1超时 %n 件（%2）</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="148"/>
        <source>%1 about to be overdue: %n case(s) (%2)</source>
        <translation>%1即将超时 %n 件（%2）</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="153"/>
        <source>Open emergencies: %n (%1)</source>
        <translation>应急求助未办结 %n 件（%1）</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="196"/>
        <source>Immediate cases unanswered after 30 min: %n (%1)</source>
        <translation>即时响应超30分钟未响应 %n 件（%1）</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="161"/>
        <source>%1 below target %2 in %n grid(s): %3</source>
        <translation>%1未达目标 %2 的网格 %n 个：%3</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="167"/>
        <source>Holiday calendar for %1 not loaded: deadlines are provisional</source>
        <translation>%1年节假日安排尚未导入，办结期限为暂定</translation>
    </message>
</context>
<context>
    <name>Budget</name>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="37"/>
        <source>Personnel</source>
        <translation>人员经费</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="38"/>
        <source>Activities</source>
        <translation>活动经费</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="39"/>
        <source>Equipment</source>
        <translation>设备经费</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="42"/>
        <source>Fiscal budget</source>
        <translation>财政预算</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="43"/>
        <source>Social fund</source>
        <translation>社会资金</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="44"/>
        <source>Service purchase</source>
        <translation>政府购买服务</translation>
    </message>
</context>
<context>
    <name>Kpi</name>
    <message>
        <location filename="../../center/core/kpis.py" line="41"/>
        <source>Visit coverage</source>
        <translation>走访覆盖率</translation>
    </message>
    <message>
        <location filename="../../center/core/kpis.py" line="45"/>
        <source>Special-group care</source>
        <translation>特殊群体关怀覆盖率</translation>
    </message>
    <message>
        <location filename="../../center/core/kpis.py" line="49"/>
        <source>24 h response rate</source>
        <translation>24小时响应率</translation>
    </message>
    <message>
        <location filename="../../center/core/kpis.py" line="53"/>
        <source>Average response time</source>
        <translation>平均响应时长</translation>
    </message>
    <message>
        <location filename="../../center/core/kpis.py" line="57"/>
        <source>2 h start rate</source>
        <translation>首接2小时启动率</translation>
    </message>
    <message>
        <location filename="../../center/core/kpis.py" line="58"/>
        <source>On-time closure rate</source>
        <translation>按期办结率</translation>
    </message>
    <message>
        <location filename="../../center/core/kpis.py" line="59"/>
        <source>Repeat rate</source>
        <translation>重复反映率</translation>
    </message>
    <message>
        <location filename="../../center/core/kpis.py" line="63"/>
        <source>Second-complaint rate</source>
        <translation>二次投诉率</translation>
    </message>
    <message>
        <location filename="../../center/core/kpis.py" line="70"/>
        <source>On-the-spot rate</source>
        <translation>当场解决率</translation>
    </message>
    <message>
        <location filename="../../center/core/kpis.py" line="74"/>
        <source>Satisfaction</source>
        <translation>居民满意度</translation>
    </message>
    <message>
        <location filename="../../center/core/kpis.py" line="78"/>
        <source>Proactive share</source>
        <translation>主动服务占比</translation>
    </message>
    <message>
        <location filename="../../center/core/kpis.py" line="82"/>
        <source>Data entry lag</source>
        <translation>数据录入时效</translation>
    </message>
    <message>
        <location filename="../../center/core/kpis.py" line="85"/>
        <source>Priority clocks met</source>
        <translation>优先时限达标率</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../center/windows/app/main_window.py" line="62"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/main_window.py" line="67"/>
        <source>Open full-screen &amp;wall on</source>
        <translation>全屏大屏显示于(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/main_window.py" line="70"/>
        <source>&amp;Refresh now</source>
        <translation>立即刷新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/main_window.py" line="1"/>
        <source>&amp;Heat layer</source>
        <translation>热力图层(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/main_window.py" line="73"/>
        <source>Map &amp;indicator</source>
        <translation>地图指标(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/main_window.py" line="84"/>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/main_window.py" line="103"/>
        <source>Screen %1: %2 (%3×%4)</source>
        <translation>屏幕 %1：%2（%3×%4）</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/main_window.py" line="119"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/main_window.py" line="120"/>
        <source>This action failed; details were written to the log.</source>
        <translation>操作失败，详细信息已写入日志。</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/main_window.py" line="154"/>
        <source>Version %1</source>
        <translation>版本 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/main_window.py" line="155"/>
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/main_window.py" line="159"/>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/main_window.py" line="153"/>
        <location filename="../../center/windows/app/main_window.py" line="169"/>
        <source>Door-knocking Command Center</source>
        <translation>敲门行动指挥中心</translation>
    </message>
    <message>
        <source>&amp;Workstation…</source>
        <translation>工作站(&amp;W)…</translation>
    </message>
    <message>
        <source>Log in and open the workstation (cases, visits, meetings)</source>
        <translation>登录并打开工作站（诉求、走访、联席会议）</translation>
    </message>
    <message>
        <source>&amp;Build a report…</source>
        <translation>生成报表(&amp;B)…</translation>
    </message>
    <message>
        <source>Monthly notice, quarterly scorecards, annual review (assessors)</source>
        <translation>月通报、季度考核、年度评优（督导考核组）</translation>
    </message>
    <message>
        <source>Go to</source>
        <translation>前往</translation>
    </message>
    <message>
        <source>Log in — reports (assessors)</source>
        <translation>登录 — 报表（督导考核组）</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>%1 may not build reports: the monthly notice, the quarterly scorecards and the annual review are built by the assessment staff (督导考核组). Log in with an assessor's account.</source>
        <translation>%1 无权生成报表：月通报、季度考核和年度评优由督导考核组生成。请用考核人员的账号登录。</translation>
    </message>
    <message>
        <source>Starting the workstation: log in in its window…</source>
        <translation>正在启动工作站，请在其窗口中登录…</translation>
    </message>
</context>
<context>
    <name>Meeting</name>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="30"/>
        <source>Proposed</source>
        <extracomment>English source names (context ``Kpi``, marked in :mod:`center.core.kpis`)</extracomment>
        <translation>建议上会</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="31"/>
        <source>On the agenda</source>
        <translation>已列入议程</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="32"/>
        <source>Decided</source>
        <translation>已议定</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="33"/>
        <source>In execution</source>
        <translation>执行中</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="34"/>
        <source>Done</source>
        <translation>已办结</translation>
    </message>
</context>
<context>
    <name>Menu</name>
    <message>
        <location filename="../../center/windows/app/menus.py" line="29"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/menus.py" line="30"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/menus.py" line="31"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/menus.py" line="32"/>
        <source>&amp;Reports</source>
        <translation>报表(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/menus.py" line="33"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
</context>
<context>
    <name>Ranking</name>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="47"/>
        <source>Excellent</source>
        <translation>优秀</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="48"/>
        <source>Good</source>
        <translation>良好</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="49"/>
        <source>Pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="50"/>
        <source>Fail</source>
        <translation>不合格</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <location filename="../../center/windows/app/startup.py" line="41"/>
        <source>The personal-information key does not fit this database:</source>
        <translation>个人信息密钥与此数据库不匹配：</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/startup.py" line="44"/>
        <source>Set CENTER_PII_KEY (or the key file) to the key of this database.</source>
        <translation>请将 CENTER_PII_KEY（或密钥文件）设置为此数据库使用的密钥。</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/startup.py" line="53"/>
        <source>The database cannot be used:</source>
        <translation>无法使用数据库：</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/startup.py" line="54"/>
        <source>Check the --db option, CENTER_DB_URL or the config file, and that the server is running.</source>
        <translation>请检查 --db 参数、CENTER_DB_URL 或配置文件，并确认数据库服务器正在运行。</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/startup.py" line="62"/>
        <source>A setting is wrong:</source>
        <translation>设置有误：</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/startup.py" line="64"/>
        <source>An internal error occurred; details were written to %1</source>
        <translation>发生内部错误，详细信息已写入 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/startup.py" line="90"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/startup.py" line="134"/>
        <source>Opening the database…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/startup.py" line="142"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/startup.py" line="143"/>
        <location filename="../../center/windows/app/startup.py" line="242"/>
        <source>Door-knocking Command Center</source>
        <translation>敲门行动指挥中心</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/startup.py" line="178"/>
        <location filename="../../center/windows/app/startup.py" line="195"/>
        <source>Building the demo street…</source>
        <translation>正在生成演示街道…</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/startup.py" line="232"/>
        <source>Demo street</source>
        <translation>演示街道</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/startup.py" line="233"/>
        <source>Building the demo street was cancelled; nothing was written. Import your data or run `center demo`.</source>
        <translation>已取消生成演示街道，未写入任何数据。请导入数据或运行 center demo。</translation>
    </message>
</context>
<context>
    <name>Wall</name>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="1"/>
        <source>Community ranking %1 (period not ended, as of %2)</source>
        <translation>社区排名 %1（统计期未结束，截至%2）</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="95"/>
        <source>%1 h</source>
        <translation>%1小时</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/texts.py" line="105"/>
        <source>Target %1</source>
        <translation>目标 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="84"/>
        <location filename="../../center/windows/wall/mappanel.py" line="157"/>
        <source>No data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="85"/>
        <source>Open emergency</source>
        <translation>应急求助（未办结）</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="90"/>
        <source>Cases, last %1 days</source>
        <translation>近%1天诉求密度</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="116"/>
        <source>Grid map</source>
        <translation>网格地图</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="129"/>
        <source>No grids yet: run `center demo` or import grids</source>
        <translation>尚无网格数据：请运行 center demo 或导入网格</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="155"/>
        <source>Grid worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="156"/>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="190"/>
        <source>Grid map · %1</source>
        <translation>网格地图 · %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="98"/>
        <source>Door-knocking Command Center</source>
        <translation>敲门行动指挥中心</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="106"/>
        <source>Waiting for data…</source>
        <translation>等待数据…</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="109"/>
        <source>Data updated at %1</source>
        <translation>数据更新于 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="114"/>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="117"/>
        <source>Offline</source>
        <translation>已断开</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="120"/>
        <source>Connecting…</source>
        <translation>连接中…</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="125"/>
        <source>Data feed interrupted since %1</source>
        <translation>数据中断 自 %1 起</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="206"/>
        <source>Key indicators</source>
        <translation>核心指标</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="223"/>
        <source>Key indicators · %1</source>
        <translation>核心指标 · %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="292"/>
        <source>Joint meetings</source>
        <translation>联席会议</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="330"/>
        <source>Overdue items: %1</source>
        <translation>逾期事项 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="346"/>
        <source>due %1</source>
        <translation>%1到期</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="352"/>
        <source>… and %1 more</source>
        <translation>还有 %1 项</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="417"/>
        <source>Spent %1 of funding · funded %2 of standard</source>
        <translation>执行率（支出÷到位）%1 · 到位率（到位÷标准）%2</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="424"/>
        <source>Year-end forecast %1 · over funding: %2</source>
        <translation>年底预计支出 %1 · 超出到位：%2</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="428"/>
        <source>Year-end forecast %1 · within funding</source>
        <translation>年底预计支出 %1 · 未超出到位资金</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="337"/>
        <source>Next meeting: %1 %2</source>
        <translation>下次会议：%1 · %2</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="342"/>
        <source>Next meeting: none scheduled</source>
        <translation>下次会议：暂无安排</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="366"/>
        <source>Funding</source>
        <translation>经费保障</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="373"/>
        <source>By category · % = spent ÷ funded</source>
        <translation>按类别 · 百分比 = 支出 ÷ 到位</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="375"/>
        <source>By source · % = spent ÷ funded</source>
        <translation>按来源 · 百分比 = 支出 ÷ 到位</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="407"/>
        <source>Funding %1</source>
        <translation>经费保障 %1年</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="409"/>
        <source>Standard %1 · funded %2 · spent %3</source>
        <translation>标准 %1 · 到位 %2 · 支出 %3</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="432"/>
        <source>Standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="432"/>
        <location filename="../../center/windows/wall/panels.py" line="446"/>
        <source>Funded</source>
        <translation>到位</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="432"/>
        <location filename="../../center/windows/wall/panels.py" line="446"/>
        <source>Spent</source>
        <translation>支出</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="467"/>
        <source>Community ranking</source>
        <translation>社区排名</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="470"/>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/panels.py" line="478"/>
        <source>Community ranking %1</source>
        <translation>社区排名 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/view.py" line="109"/>
        <source>No alerts</source>
        <translation>暂无告警</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/view.py" line="222"/>
        <source>Lagging grids: %1</source>
        <translation>落后网格：%1</translation>
    </message>
    <message>
        <source>Visit pace</source>
        <translation>走访进度</translation>
    </message>
    <message>
        <source>%1 · day %2 of %3 (%4)</source>
        <translation>%1 · 第%2天/%3天（%4）</translation>
    </message>
    <message>
        <source>Due by now %1</source>
        <translation>进度应达 %1</translation>
    </message>
    <message>
        <source>%1 %2 (%3)</source>
        <translation>%1 %2（%3）</translation>
    </message>
    <message>
        <source>Ordered by the quarter's assessment score (out of 100); the axis starts at %1</source>
        <translation>按本季综合得分排序（满分100分），坐标轴自%1分起</translation>
    </message>
    <message>
        <source>Lagging grids</source>
        <translation>落后网格</translation>
    </message>
    <message>
        <source>… and %1 more grids</source>
        <translation>还有 %1 个网格</translation>
    </message>
    <message>
        <source>Lagging grids · %1</source>
        <translation>落后网格 · %1</translation>
    </message>
    <message>
        <source>%n grid(s) lagging, worst first</source>
        <translation>%n 个网格落后，最差的在前</translation>
    </message>
    <message>
        <source> (%1 households behind)</source>
        <translation>（%1 户落后）</translation>
    </message>
    <message>
        <source>Visit pace · share of households on pace</source>
        <translation>走访进度 · 按进度户数占比</translation>
    </message>
    <message>
        <source>No grid is lagging</source>
        <translation>没有落后的网格</translation>
    </message>
    <message>
        <source>also %1</source>
        <translation>另：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Policy consultation</source>
        <translation>政策咨询</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Life services</source>
        <translation>生活服务</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Dispute mediation</source>
        <translation>矛盾调解</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Emergency help</source>
        <translation>应急求助</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Forecast, next month</source>
        <translation>下月预测</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>%1/100 households</source>
        <translation>%1/百户</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source> … (%1 in all)</source>
        <translation> …（共%1处）</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Forecast hot spots: %1</source>
        <translation>预测热点：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Forecast %1</source>
        <translation>%1预测</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>%1 (cases per 100 households)</source>
        <translation>%1（件/每百户）</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Hot spot (top 10% of forecast cells)</source>
        <translation>预测热点（前10%网格×类别）</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Immediate response overdue</source>
        <translation>即时响应超时</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Last %1 days</source>
        <translation>近%1天</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Policy</source>
        <translation>政策</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Life</source>
        <translation>生活</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Dispute</source>
        <translation>矛盾</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/mappanel.py" line="1"/>
        <source>Emergency</source>
        <translation>应急</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <location filename="../../center/windows/wall/window.py" line="40"/>
        <source>Close the wall</source>
        <translation>关闭大屏</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/window.py" line="43"/>
        <source>Operator PIN to close the wall:</source>
        <translation>请输入操作员密码以关闭大屏：</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/window.py" line="78"/>
        <source>Command center wall</source>
        <translation>指挥中心大屏</translation>
    </message>
    <message>
        <location filename="../../center/windows/wall/window.py" line="105"/>
        <source>Wrong PIN.</source>
        <translation>密码错误。</translation>
    </message>
</context>
<context>
    <name>Reports</name>
    <message>
        <location filename="../../center/windows/app/reports.py" line="1"/>
        <source>Fi&amp;le:</source>
        <translation>文件(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/reports.py" line="1"/>
        <source>&amp;Approve</source>
        <translation>审核通过(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/reports.py" line="1"/>
        <source>Approving the report…</source>
        <translation>正在审核通过并重新生成报表…</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/reports.py" line="1"/>
        <source>Saved to %1.</source>
        <translation>已保存到 %1。</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/reports.py" line="1"/>
        <source>Approved: document number %1.</source>
        <translation>已审核通过，文号 %1。</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/reports.py" line="1"/>
        <source>Draft no. %1 updated.</source>
        <translation>已更新草稿（编号 %1）。</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/reports.py" line="1"/>
        <source>Saved as draft no. %1.</source>
        <translation>已存为草稿（编号 %1）。</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/reports.py" line="1"/>
        <source>The period has not ended (it ends %1): the draft can be approved once it has.</source>
        <translation>统计期未结束（%1 结束），结束后才能审核通过。</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/reports.py" line="1"/>
        <source>An assessor may approve it now.</source>
        <translation>统计期已结束，可点击“审核通过”。</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/reports.py" line="1"/>
        <source>An assessor approves it.</source>
        <translation>待考核人员审核通过。</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/reports.py" line="1"/>
        <source>the period has not ended (it ends %1): approve it once it has</source>
        <translation>统计期未结束（%1 结束），请在结束后审核通过</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/reports.py" line="1"/>
        <source>details are in the log</source>
        <translation>详细信息已写入日志</translation>
    </message>
    <message>
        <location filename="../../center/windows/app/reports.py" line="1"/>
        <source>Not approved: %1</source>
        <translation>未审核通过：%1</translation>
    </message>
    <message>
        <source>Monthly notice</source>
        <translation>月通报</translation>
    </message>
    <message>
        <source>Quarterly scorecards</source>
        <translation>季度考核</translation>
    </message>
    <message>
        <source>Annual review</source>
        <translation>年度评优</translation>
    </message>
    <message>
        <source>Build a report</source>
        <translation>生成报表</translation>
    </message>
    <message>
        <source>Built by %1 (assessor)</source>
        <translation>生成人：%1（督导考核组）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>&amp;Report:</source>
        <translation>报表(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Period:</source>
        <translation>统计期(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>文件(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;Build and open</source>
        <translation>生成并打开(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Open the PDF</source>
        <translation>打开 PDF(&amp;O)</translation>
    </message>
    <message>
        <source>Open the &amp;folder</source>
        <translation>打开所在文件夹(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <source>Save the report as</source>
        <translation>报表另存为</translation>
    </message>
    <message>
        <source>Enter the period and the file.</source>
        <translation>请填写统计期和文件。</translation>
    </message>
    <message>
        <source>Building the report…</source>
        <translation>正在生成报表…</translation>
    </message>
    <message>
        <source>approved, %1</source>
        <translation>已审核，%1</translation>
    </message>
    <message>
        <source>draft %1, to be approved by an assessor</source>
        <translation>草稿（编号 %1），待考核人员审核</translation>
    </message>
    <message>
        <source>Saved to %1 (%2).</source>
        <translation>已保存到 %1（%2）。</translation>
    </message>
    <message>
        <source>No PDF viewer could be started.</source>
        <translation>无法启动 PDF 阅读器，请到上述位置打开文件。</translation>
    </message>
    <message>
        <source>The report could not be built; details are in the log.</source>
        <translation>报表未能生成，详细信息已写入日志。</translation>
    </message>
    <message>
        <source>Not built: %1</source>
        <translation>未生成：%1</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The disk reported a read or write error.</source>
        <translation>磁盘读写出错。</translation>
    </message>
    <message>
        <source>Check the disk, then try again.</source>
        <translation>请检查磁盘，然后重试。</translation>
    </message>
    <message>
        <source>The connection to the database server was lost (the server restarted or ended the connection).</source>
        <translation>与数据库服务器的连接已中断（服务器重启或结束了该连接）。</translation>
    </message>
    <message>
        <source>The database server did not answer in time (the network or the server is down) and the connection was closed.</source>
        <translation>数据库服务器未能及时响应（网络或服务器故障），连接已关闭。</translation>
    </message>
    <message>
        <source>The database server cannot be reached.</source>
        <translation>无法连接数据库服务器。</translation>
    </message>
    <message>
        <source>The database took too long to answer and the work was cancelled.</source>
        <translation>数据库响应超时，本次操作已取消。</translation>
    </message>
    <message>
        <source>The database is busy: another program or workstation kept it locked longer than the wait allows.</source>
        <translation>数据库正忙：另一个程序或工作站占用数据库的时间超过了等待时限。</translation>
    </message>
    <message>
        <source>Another workstation changed the same data at the same moment.</source>
        <translation>另一个工作站在同一时刻修改了相同的数据。</translation>
    </message>
    <message>
        <source>The disk is full.</source>
        <translation>磁盘已满。</translation>
    </message>
    <message>
        <source>A text contains a NUL character (\x00), which the database cannot store.</source>
        <translation>文本中含有数据库无法保存的空字符（\x00）。</translation>
    </message>
    <message>
        <source>The database cannot be written to (read-only).</source>
        <translation>数据库不可写入（只读）。</translation>
    </message>
    <message>
        <source>The database file is damaged.</source>
        <translation>数据库文件已损坏。</translation>
    </message>
    <message>
        <source>Check that the server is running, then try again: the program reconnects by itself.</source>
        <translation>请确认服务器正在运行，然后重试：程序会自动重新连接。</translation>
    </message>
    <message>
        <source>Check the network and that the server is running, then try again: the program reconnects by itself.</source>
        <translation>请检查网络并确认服务器正在运行，然后重试：程序会自动重新连接。</translation>
    </message>
    <message>
        <source>Check that the server is running and the network is up, then try again.</source>
        <translation>请确认服务器正在运行、网络畅通，然后重试。</translation>
    </message>
    <message>
        <source>Try again; if it happens again, ask the administrator to look at the server's load.</source>
        <translation>请重试；如再次发生，请管理员检查服务器负载。</translation>
    </message>
    <message>
        <source>Try again in a moment; if it stays busy, look for a long import, backup or restore still running.</source>
        <translation>请稍后重试；如一直繁忙，请检查是否有仍在运行的导入、备份或恢复。</translation>
    </message>
    <message>
        <source>Try again.</source>
        <translation>请重试。</translation>
    </message>
    <message>
        <source>Free some disk space (or ask the administrator to), then try again.</source>
        <translation>请清理磁盘空间（或请管理员清理），然后重试。</translation>
    </message>
    <message>
        <source>Remove the character (it often comes with text copied from another program or a converted file), then try again.</source>
        <translation>请删除该字符（它常随从其他程序复制的文本或转换过的文件带入），然后重试。</translation>
    </message>
    <message>
        <source>Check the permissions of the database file and of its folder, or that the server accepts writes.</source>
        <translation>请检查数据库文件及其所在文件夹的权限，或确认服务器允许写入。</translation>
    </message>
    <message>
        <source>Stop writing to it and restore the latest backup (center db restore).</source>
        <translation>请停止写入，并恢复最近的备份（center db restore）。</translation>
    </message>
    <message>
        <source>Nothing was saved.</source>
        <translation>未保存任何内容。</translation>
    </message>
    <message>
        <source>The change may or may not have been saved: look before doing it again.</source>
        <translation>更改可能已保存，也可能未保存：请先查看再重做。</translation>
    </message>
    <message>
        <source>An internal error occurred; details were written to %1</source>
        <translation>发生内部错误，详细信息已写入 %1</translation>
    </message>
    <message>
        <source>An internal error occurred; the details could not be written to the log %1 (%2).</source>
        <translation>发生内部错误，详细信息无法写入日志 %1（%2）。</translation>
    </message>
</context>
</TS>
