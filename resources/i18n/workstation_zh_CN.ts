<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Workstation</name>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>not a number</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>{text!r} is not a number (write yuan such as 1234.50)</source>
        <translation>{text!r} 不是数字（请以元为单位填写，如 1234.50）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>{value} has more than 2 decimals (yuan and fen only)</source>
        <translation>{value} 超过 2 位小数（只到元、角、分）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>{value} must be greater than 0</source>
        <translation>{value} 必须大于 0</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>{value} is too large</source>
        <translation>{value} 过大</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>{text!r} is not a year (YYYY)</source>
        <translation>{text!r} 不是年份（请写作 YYYY）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>longer than {n} characters</source>
        <translation>超过 {n} 个字符</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>unknown {what} {value!r} (use {choices})</source>
        <translation>未知的{what} {value!r}（可选 {choices}）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>a line&apos;s code cannot be changed: void it and add a new line</source>
        <translation>资金项目编号不可修改：请作废后新增项目</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>line {code} was voided: use another line_code</source>
        <translation>项目 {code} 已作废：请使用其他项目编号</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>{code} is already used for another line: {differs}</source>
        <translation>编号 {code} 已用于另一个资金项目：{differs}</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>a voucher number cannot be changed: void and re-enter</source>
        <translation>凭证号不可修改：请作废后重新录入</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>unknown line {code!r}</source>
        <translation>没有资金项目 {code!r}</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>line {code} was voided</source>
        <translation>资金项目 {code} 已作废</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>{day} is outside the line&apos;s year {year}</source>
        <translation>{day} 不在该项目的年度 {year} 内</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>{day} is after today ({today})</source>
        <translation>{day} 晚于今天（{today}）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>unknown community {code!r}</source>
        <translation>没有社区 {code!r}</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>line {code} already exists</source>
        <translation>资金项目 {code} 已存在</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>duplicate voucher number {voucher}</source>
        <translation>凭证号 {voucher} 重复</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>year</source>
        <translation>年度</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>%1 %2 (not %3)</source>
        <translation>%1为%2（不是%3）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>Voided %1.</source>
        <translation>已作废 %1。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>Funding line %1 recorded.</source>
        <translation>已新增资金项目 %1。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>Expenditure %1 recorded.</source>
        <translation>已新增支出 %1。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="1"/>
        <source>%1 corrected.</source>
        <translation>已更正 %1。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="1"/>
        <source>Back to the start: your open cases, no other filter</source>
        <translation>回到初始筛选：您的未结案件，不加其他条件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="1"/>
        <source>%1 to %2</source>
        <translation>%1至%2</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="1"/>
        <source>for %1</source>
        <translation>代%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="1"/>
        <source>(text changed)</source>
        <translation>（文字已修改）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="1"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="1"/>
        <source>Their value (saved)</source>
        <translation>对方的值（已保存）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="1"/>
        <source>Your value (not saved)</source>
        <translation>您的值（未保存）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="1"/>
        <source>Their changes</source>
        <translation>对方的操作</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="1"/>
        <source>How satisfied is the resident with the result?</source>
        <translation>居民对办理结果是否满意？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="60"/>
        <source>Why does this case need the joint meeting (联席会议)?</source>
        <translation>为什么需要提交联席会议协调？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="63"/>
        <source>Why is this outside the street&apos;s remit, and where was the resident sent?</source>
        <translation>为什么不属于街道职责范围？已引导居民向何处反映？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="66"/>
        <source>Why is no action needed?</source>
        <translation>为什么无需处理？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="67"/>
        <source>Why is the case reopened?</source>
        <translation>为什么重新启动此案件？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="70"/>
        <source>The case is already assigned to this department.</source>
        <translation>该案件已分派给此部门。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="71"/>
        <source>The case was already reopened and the new case is still open.</source>
        <translation>该案件已重新启动，新案件尚未办结。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="74"/>
        <source>The case was already responded to.</source>
        <translation>该案件已经响应过。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="75"/>
        <source>The time is earlier than the previous step.</source>
        <translation>时间早于上一环节。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="76"/>
        <source>Please give a reason.</source>
        <translation>请填写理由。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="117"/>
        <source>Case %1 is now “%2”: “%3” is not possible.</source>
        <translation>案件 %1 当前状态为“%2”，不能执行“%3”。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="123"/>
        <source>Your role may not do this: %1</source>
        <translation>您的角色无权执行：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="130"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="214"/>
        <source>Not found: %1</source>
        <translation>未找到：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="131"/>
        <source>The change could not be saved: %1</source>
        <translation>修改未能保存：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="141"/>
        <source>Edit case %1</source>
        <translation>编辑案件 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="148"/>
        <location filename="../../center/windows/workstation/case_view.py" line="209"/>
        <location filename="../../center/windows/workstation/intake.py" line="240"/>
        <source>Priority:</source>
        <translation>优先级：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="149"/>
        <location filename="../../center/windows/workstation/intake.py" line="247"/>
        <source>Summary:</source>
        <translation>诉求摘要：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="190"/>
        <location filename="../../center/windows/workstation/case_view.py" line="340"/>
        <source>No case selected</source>
        <translation>未选择案件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="208"/>
        <source>Request:</source>
        <translation>诉求类型：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="210"/>
        <location filename="../../center/windows/workstation/intake.py" line="232"/>
        <source>Source:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="211"/>
        <source>Household:</source>
        <translation>户：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="212"/>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="213"/>
        <location filename="../../center/windows/workstation/household_view.py" line="121"/>
        <source>Grid:</source>
        <translation>网格：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="214"/>
        <location filename="../../center/windows/workstation/dept_view.py" line="95"/>
        <location filename="../../center/windows/workstation/dialogs.py" line="155"/>
        <location filename="../../center/windows/workstation/intake.py" line="244"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="457"/>
        <source>Department:</source>
        <translation>责任部门：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="215"/>
        <location filename="../../center/windows/workstation/intake.py" line="246"/>
        <source>Received:</source>
        <translation>受理时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="216"/>
        <source>Responded:</source>
        <translation>响应时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="217"/>
        <source>Assigned:</source>
        <translation>分派时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="218"/>
        <source>Accepted:</source>
        <translation>启动时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="219"/>
        <source>Closed:</source>
        <translation>办结时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="220"/>
        <source>Confirmed:</source>
        <translation>确认时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="221"/>
        <source>Rating:</source>
        <translation>满意度：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="258"/>
        <location filename="../../center/windows/workstation/dialogs.py" line="108"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="572"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="170"/>
        <location filename="../../center/windows/workstation/case_view.py" line="259"/>
        <location filename="../../center/windows/workstation/dialogs.py" line="109"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="573"/>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="260"/>
        <source>Event</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="111"/>
        <source>Correct funding line</source>
        <translation>更正资金项目</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="113"/>
        <source>New funding line</source>
        <translation>新增资金项目</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="117"/>
        <source>Correct expenditure</source>
        <translation>更正支出</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="119"/>
        <source>New expenditure</source>
        <translation>新增支出</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="363"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="383"/>
        <source>Line</source>
        <translation>资金项目</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="364"/>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="365"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="384"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="410"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="367"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="386"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="368"/>
        <source>Granted on</source>
        <translation>到位日期</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="369"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="412"/>
        <source>Funded</source>
        <translation>到位</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="370"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="413"/>
        <source>Spent</source>
        <translation>支出</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="371"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="696"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="717"/>
        <source>Execution</source>
        <translation>执行率</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="187"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="372"/>
        <source>Document</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="381"/>
        <source>Voucher</source>
        <translation>凭证号</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="382"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="387"/>
        <source>Payee</source>
        <translation>收款方</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="207"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="388"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="434"/>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="173"/>
        <source>Line code*</source>
        <translation>项目编号*</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="174"/>
        <source>Year*</source>
        <translation>年度*</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="177"/>
        <source>Category*</source>
        <translation>类别*</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="182"/>
        <source>Source*</source>
        <translation>来源*</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="185"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="205"/>
        <source>Amount (yuan)*</source>
        <translation>金额（元）*</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="186"/>
        <source>Granted on (YYYY-MM-DD)</source>
        <translation>到位日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="188"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="208"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="389"/>
        <location filename="../../center/windows/workstation/case_view.py" line="261"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="575"/>
        <location filename="../../center/windows/workstation/planning.py" line="466"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="195"/>
        <source>(whole street)</source>
        <translation>（全街道）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="202"/>
        <source>Voucher no.*</source>
        <translation>凭证号*</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="203"/>
        <source>Funding line*</source>
        <translation>资金项目*</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="204"/>
        <source>Spent on*</source>
        <translation>支出日期*</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="206"/>
        <source>Payee*</source>
        <translation>收款方*</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="345"/>
        <source>Year </source>
        <translation>年度 </translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="347"/>
        <source>&amp;Reload</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="399"/>
        <source>Plan and actual spending by quarter (yuan)</source>
        <translation>分季度计划与实际支出（元）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="402"/>
        <source>Execution by category (% of funding)</source>
        <translation>分类别执行率（占到位资金%）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="404"/>
        <source>Execution by source (% of funding)</source>
        <translation>分来源执行率（占到位资金%）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="411"/>
        <source>Standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="414"/>
        <source>Year-end forecast</source>
        <translation>年底预计支出</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="415"/>
        <source>At risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="435"/>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="436"/>
        <source>Cost</source>
        <translation>经费</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="437"/>
        <source>Met visits</source>
        <translation>有效走访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="438"/>
        <source>Cost per visit</source>
        <translation>每次走访经费</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="439"/>
        <source>Closed cases</source>
        <translation>办结诉求</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="440"/>
        <source>Cost per closed case</source>
        <translation>每件办结经费</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="441"/>
        <source>Closure rate</source>
        <translation>按期办结率</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="448"/>
        <source>Funding lines</source>
        <translation>资金项目</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="449"/>
        <source>Expenditures</source>
        <translation>支出明细</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="450"/>
        <source>Plan and actual</source>
        <translation>计划与执行</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="451"/>
        <source>Value for money</source>
        <translation>经费效益</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="477"/>
        <source>&amp;New…</source>
        <translation>新增(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="478"/>
        <source>&amp;Correct…</source>
        <translation>更正(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="479"/>
        <source>&amp;Void…</source>
        <translation>作废(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="480"/>
        <source>&amp;Import…</source>
        <translation>导入(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="481"/>
        <source>E&amp;xport…</source>
        <translation>导出(&amp;X)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="491"/>
        <source>Read only: the finance role records the budget.</source>
        <translation>只读：经费由经费管理岗录入。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="534"/>
        <source>The budget could not be read or written: %1</source>
        <translation>经费数据读写失败：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="540"/>
        <source>Budget</source>
        <translation>经费</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="547"/>
        <source>Standard %1 (households %2 × %3) · funded %4 · gap %5 (%6 of the standard) · spent %7 (%8 of the funding) · year-end forecast %9</source>
        <translation>标准%1（%2户×%3元）· 到位%4 · 缺口%5（占标准%6）· 支出%7（占到位%8）· 年底预计支出%9</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="637"/>
        <source>Street</source>
        <translation>全街道</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="656"/>
        <source>voided</source>
        <translation>已作废</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="657"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="671"/>
        <source>overspent</source>
        <translation>超支</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="680"/>
        <source>Plan (funding ÷ 4)</source>
        <translation>计划（到位资金÷4）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="685"/>
        <source>Actual</source>
        <translation>实际</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="701"/>
        <source>Forecast</source>
        <translation>预计</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="732"/>
        <source>at risk</source>
        <translation>有超支风险</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="743"/>
        <source>%1: the year-end forecast %2 exceeds the funding %3</source>
        <translation>%1：年底预计支出%2，超过到位资金%3</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="751"/>
        <source>Overspent lines: %1</source>
        <translation>超支项目：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="835"/>
        <source>Spreadsheets (*.csv *.xlsx)</source>
        <translation>表格文件 (*.csv *.xlsx)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="849"/>
        <source>Void</source>
        <translation>作废</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="850"/>
        <source>Why is %1 voided? (kept in the ledger, counted nowhere)</source>
        <translation>作废%1的原因？（保留在台账中，不再计入任何统计）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="858"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="864"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="271"/>
        <source>Note for the next action (kept if saving fails)</source>
        <translation>下一步操作的备注（保存失败时保留）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="274"/>
        <source>Ctrl+Enter: the next step of the case</source>
        <translation>Ctrl+Enter：执行案件的下一步</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="280"/>
        <source>Ed&amp;it…</source>
        <translation>编辑(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="298"/>
        <source>Timeline</source>
        <translation>办理过程</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="358"/>
        <source>resolved on the spot</source>
        <translation>当场解决</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="378"/>
        <source>spot check passed</source>
        <translation>抽查通过</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="380"/>
        <source>spot check failed</source>
        <translation>抽查未通过</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="385"/>
        <source>(no summary)</source>
        <translation>（无摘要）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="389"/>
        <source>Reopens %1</source>
        <translation>重启自 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="395"/>
        <source>Reopened as %1</source>
        <translation>已重启为 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="401"/>
        <source>Repeat of %1</source>
        <translation>重复反映自 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="406"/>
        <source>Repeat request (same type within 30 days)</source>
        <translation>重复反映（30天内同类诉求）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="409"/>
        <source>Escalated to the joint meeting %1</source>
        <translation>已提交联席会议 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="471"/>
        <source>(provisional)</source>
        <translation>（暂定）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="562"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="584"/>
        <source>New case %1 was created and linked to %2.</source>
        <translation>已新建案件 %1，并关联原案件 %2。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="592"/>
        <source>Low rating</source>
        <translation>满意度低</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="593"/>
        <source>The resident rated the result 1 or 2: call the resident back.
Reopen the case now?</source>
        <translation>居民评价为1或2分：请回访居民。
现在重新启动该案件吗？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="626"/>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dept_view.py" line="80"/>
        <source>Awaiting start</source>
        <extracomment>roles that read every case: a ``department`` user who also holds one of them is not held to their own department&apos;s cases</extracomment>
        <translation>待启动</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dept_view.py" line="81"/>
        <source>2 h start overdue</source>
        <translation>2小时启动超时</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dept_view.py" line="82"/>
        <source>2 h start ≥ 80%</source>
        <translation>2小时启动已用≥80%</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dept_view.py" line="83"/>
        <location filename="../../center/windows/workstation/texts.py" line="25"/>
        <source>In progress</source>
        <translation>办理中</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dept_view.py" line="84"/>
        <source>Closure overdue</source>
        <translation>办结超期</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dept_view.py" line="85"/>
        <source>Closure ≥ 80%</source>
        <translation>办结时限已用≥80%</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="373"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="390"/>
        <location filename="../../center/windows/workstation/dialogs.py" line="32"/>
        <location filename="../../center/windows/workstation/household_view.py" line="173"/>
        <location filename="../../center/windows/workstation/inbox_model.py" line="57"/>
        <location filename="../../center/windows/workstation/intake.py" line="78"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="529"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="505"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1191"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="33"/>
        <location filename="../../center/windows/workstation/inbox_model.py" line="56"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="530"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="537"/>
        <location filename="../../center/windows/workstation/texts.py" line="104"/>
        <source>Department</source>
        <translation>责任部门</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="34"/>
        <location filename="../../center/windows/workstation/inbox_model.py" line="53"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="35"/>
        <location filename="../../center/windows/workstation/household_view.py" line="172"/>
        <location filename="../../center/windows/workstation/inbox_model.py" line="52"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="528"/>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="95"/>
        <source>Request</source>
        <translation>诉求类型</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="36"/>
        <location filename="../../center/windows/workstation/inbox_model.py" line="61"/>
        <location filename="../../center/windows/workstation/intake.py" line="79"/>
        <source>Summary</source>
        <translation>诉求摘要</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="37"/>
        <source>Address note</source>
        <translation>地址备注</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="38"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="39"/>
        <source>Responded at</source>
        <translation>响应时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="40"/>
        <source>Assigned at</source>
        <translation>分派时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="41"/>
        <source>Accepted at</source>
        <translation>启动时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="42"/>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="94"/>
        <source>Closed at</source>
        <translation>办结时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="43"/>
        <source>Confirmed at</source>
        <translation>确认时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="44"/>
        <source>Rated at</source>
        <translation>评价时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="442"/>
        <location filename="../../center/windows/workstation/dialogs.py" line="45"/>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="46"/>
        <source>Spot-checked at</source>
        <translation>抽查时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="47"/>
        <source>Spot check passed</source>
        <translation>抽查通过</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="48"/>
        <location filename="../../center/windows/workstation/inbox_view.py" line="117"/>
        <source>Escalated</source>
        <translation>已提交联席会议</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="49"/>
        <source>Escalated at</source>
        <translation>提交联席会议时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="50"/>
        <source>Repeat of</source>
        <translation>重复反映自</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="58"/>
        <source>(text)</source>
        <translation>（文字）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="64"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="64"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="89"/>
        <source>Case changed by someone else</source>
        <translation>案件已被他人修改</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="91"/>
        <source>another user</source>
        <translation>其他用户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="95"/>
        <source>Case %1 was changed by %2 after you opened it. Your change was not saved and nothing was overwritten; your note is kept. Reload the case to see the current state, then apply your change again.</source>
        <translation>您打开案件 %1 之后，%2 修改了该案件。您的修改未保存，也没有覆盖任何内容；您填写的备注已保留。请重新加载案件查看最新状态，再重新操作。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="110"/>
        <source>What</source>
        <translation>修改内容</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="126"/>
        <source>&amp;Reload the case</source>
        <translation>重新加载案件(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="145"/>
        <source>Assign to a department</source>
        <translation>分派至部门</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="156"/>
        <source>★ proposed for this request type</source>
        <translation>★ 该诉求类型的建议部门</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="175"/>
        <source>Resident&apos;s rating</source>
        <translation>居民满意度评价</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="178"/>
        <source>1 – very dissatisfied</source>
        <translation>1 – 非常不满意</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="179"/>
        <source>2 – dissatisfied</source>
        <translation>2 – 不满意</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="180"/>
        <source>3 – acceptable</source>
        <translation>3 – 基本满意</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="181"/>
        <source>4 – satisfied</source>
        <translation>4 – 满意</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="182"/>
        <source>5 – very satisfied</source>
        <translation>5 – 非常满意</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="206"/>
        <source>Spot check result</source>
        <translation>抽查结果</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="207"/>
        <source>&amp;Passed: the resident confirms</source>
        <translation>通过：居民确认已解决(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="209"/>
        <source>&amp;Failed: the problem remains (the case is reopened)</source>
        <translation>未通过：问题仍存在（案件将重新启动）(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="213"/>
        <source>What the resident said</source>
        <translation>居民反馈</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="228"/>
        <source>Say why the check failed.</source>
        <translation>请说明抽查未通过的原因。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="262"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="951"/>
        <source>A reason is required.</source>
        <translation>必须填写理由。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="90"/>
        <location filename="../../center/windows/workstation/intake.py" line="169"/>
        <source>Household code, part of the address, or a resident&apos;s full name / phone / ID</source>
        <translation>户编号、部分地址，或居民完整姓名／电话／身份证号</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="96"/>
        <location filename="../../center/windows/workstation/intake.py" line="174"/>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="100"/>
        <location filename="../../center/windows/workstation/household_view.py" line="262"/>
        <location filename="../../center/windows/workstation/household_view.py" line="406"/>
        <location filename="../../center/windows/workstation/intake.py" line="178"/>
        <location filename="../../center/windows/workstation/intake.py" line="193"/>
        <location filename="../../center/windows/workstation/planning.py" line="206"/>
        <location filename="../../center/windows/workstation/planning.py" line="458"/>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="96"/>
        <source>Household</source>
        <translation>户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="101"/>
        <location filename="../../center/windows/workstation/inbox_model.py" line="55"/>
        <location filename="../../center/windows/workstation/intake.py" line="179"/>
        <location filename="../../center/windows/workstation/planning.py" line="205"/>
        <location filename="../../center/windows/workstation/planning.py" line="457"/>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="97"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="102"/>
        <location filename="../../center/windows/workstation/inbox_model.py" line="54"/>
        <location filename="../../center/windows/workstation/intake.py" line="180"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="103"/>
        <location filename="../../center/windows/workstation/household_view.py" line="139"/>
        <location filename="../../center/windows/workstation/intake.py" line="181"/>
        <source>Resident</source>
        <translation>居民</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="104"/>
        <location filename="../../center/windows/workstation/intake.py" line="182"/>
        <source>Found by</source>
        <translation>匹配方式</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="112"/>
        <source>No household open</source>
        <translation>未打开户档案</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="122"/>
        <source>Members:</source>
        <translation>户内人数：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="123"/>
        <source>Special groups:</source>
        <translation>特殊群体：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="124"/>
        <source>Visits this period:</source>
        <translation>本期走访：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="125"/>
        <source>Next visit due by:</source>
        <translation>下次走访截止：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="126"/>
        <location filename="../../center/windows/workstation/planning.py" line="111"/>
        <source>Notes:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="140"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="141"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="142"/>
        <source>Born</source>
        <translation>出生年份</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="143"/>
        <location filename="../../center/windows/workstation/texts.py" line="118"/>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="144"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="145"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="148"/>
        <source>Re&amp;veal personal information…</source>
        <translation>查看完整个人信息(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="161"/>
        <source>Visited</source>
        <translation>走访时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="162"/>
        <source>By</source>
        <translation>走访人</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="163"/>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="164"/>
        <source>Recorded</source>
        <translation>录入时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="165"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="170"/>
        <location filename="../../center/windows/workstation/inbox_model.py" line="49"/>
        <location filename="../../center/windows/workstation/intake.py" line="76"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="527"/>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="93"/>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="171"/>
        <location filename="../../center/windows/workstation/inbox_model.py" line="50"/>
        <location filename="../../center/windows/workstation/intake.py" line="77"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="531"/>
        <source>Received at</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="174"/>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="98"/>
        <source>Rating</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="188"/>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="182"/>
        <source>Visits</source>
        <translation>走访记录</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="183"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="503"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="536"/>
        <source>Cases</source>
        <translation>诉求案件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="191"/>
        <source>&amp;New case for this household…</source>
        <translation>为该户新建案件(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="192"/>
        <source>Record &amp;visit…</source>
        <translation>登记走访(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="263"/>
        <location filename="../../center/windows/workstation/intake.py" line="348"/>
        <source>No household found.</source>
        <translation>未找到匹配的户。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="272"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="275"/>
        <source>%1: %2 of %3 met-visits (%4)</source>
        <translation>%1：已见面走访 %2/%3 次（%4）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="286"/>
        <source>floating population</source>
        <translation>流动人口</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="289"/>
        <source>moved out on %1</source>
        <translation>已于 %1 迁出</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="294"/>
        <source>male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="294"/>
        <source>female</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="355"/>
        <source>Reveal personal information</source>
        <translation>查看完整个人信息</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="356"/>
        <source>The name, ID number and phone of this resident will be shown once and the access is recorded in the audit log. Why are they needed?</source>
        <translation>将显示该居民的姓名、身份证号和电话（仅本次），此次查看会记入审计日志。查看的理由是什么？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="379"/>
        <source>Personal information</source>
        <translation>个人信息</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="381"/>
        <source>Name: %1
ID number: %2
Phone: %3</source>
        <translation>姓名：%1
身份证号：%2
电话：%3</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/budget_view.py" line="366"/>
        <location filename="../../center/windows/workstation/budget_view.py" line="385"/>
        <location filename="../../center/windows/workstation/inbox_model.py" line="51"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="58"/>
        <location filename="../../center/windows/workstation/texts.py" line="78"/>
        <source>24 h response</source>
        <translation>24小时响应</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="59"/>
        <location filename="../../center/windows/workstation/texts.py" line="79"/>
        <source>2 h start</source>
        <translation>2小时启动</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="60"/>
        <location filename="../../center/windows/workstation/texts.py" line="80"/>
        <source>15 wd closure</source>
        <translation>15工作日办结</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="76"/>
        <source>✗ late</source>
        <translation>✗ 超时</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="79"/>
        <source>overdue %1</source>
        <translation>超时 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="60"/>
        <source>Priority clock</source>
        <translation>优先时限</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="60"/>
        <source>First response within 30 min</source>
        <translation>30分钟内首次响应</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="60"/>
        <source>First response within 24 h</source>
        <translation>24小时内首次响应</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="60"/>
        <source>Transfer (assignment or closure) within 3 working days</source>
        <translation>3个工作日内转办（派单或办结）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="86"/>
        <source>Due %1</source>
        <translation>时限 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="88"/>
        <source>Done %1</source>
        <translation>完成于 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="91"/>
        <source>%1% of the window used</source>
        <translation>时限已用 %1%</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="292"/>
        <source>Not sortable</source>
        <translation>不可排序</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="89"/>
        <source>Search case code, summary, address, household…</source>
        <translation>搜索案件编号、摘要、地址、户编号…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="94"/>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="96"/>
        <source>Open</source>
        <translation>未结案</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="97"/>
        <location filename="../../center/windows/workstation/texts.py" line="52"/>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="101"/>
        <location filename="../../center/windows/workstation/inbox_view.py" line="253"/>
        <source>All categories</source>
        <translation>全部大类</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="102"/>
        <location filename="../../center/windows/workstation/inbox_view.py" line="286"/>
        <source>All requests</source>
        <translation>全部诉求类型</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="104"/>
        <source>All priorities</source>
        <translation>全部优先级</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="108"/>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="111"/>
        <location filename="../../center/windows/workstation/inbox_view.py" line="258"/>
        <source>All communities</source>
        <translation>全部社区</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="112"/>
        <location filename="../../center/windows/workstation/inbox_view.py" line="295"/>
        <source>All grids</source>
        <translation>全部网格</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="113"/>
        <location filename="../../center/windows/workstation/inbox_view.py" line="263"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="445"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="624"/>
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="115"/>
        <source>Escalated: any</source>
        <translation>联席会议：不限</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="118"/>
        <source>Not escalated</source>
        <translation>未提交联席会议</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="122"/>
        <source>All clocks</source>
        <translation>全部时限</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="124"/>
        <source>Overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="125"/>
        <source>About to breach (80%)</source>
        <translation>即将超时（已用80%）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="128"/>
        <source>Received between</source>
        <translation>受理日期</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="137"/>
        <source>Saved filters</source>
        <translation>常用筛选</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="142"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="251"/>
        <location filename="../../center/windows/workstation/inbox_view.py" line="393"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="414"/>
        <source>Save the current filter…</source>
        <translation>保存当前筛选…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="416"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="438"/>
        <source>Save filter</source>
        <translation>保存筛选</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="439"/>
        <source>Name of this filter:</source>
        <translation>筛选名称：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="467"/>
        <source>%n case(s)</source>
        <translation>%n 件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="476"/>
        <source>Error</source>
        <translation>出错</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="479"/>
        <source>Inbox</source>
        <translation>案件收件箱</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="480"/>
        <source>The cases could not be loaded: %1</source>
        <translation>案件加载失败：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="62"/>
        <source>Possible repeat</source>
        <translation>可能为重复反映</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="66"/>
        <source>This household has open or recent (30 days) cases of the same request type. Link the new case as a repeat of one of them, or confirm it is new.</source>
        <translation>该户有同类诉求的未结案件或近30天内的案件。请将新案件关联为其中之一的重复反映，或确认这是新诉求。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="103"/>
        <source>&amp;Link as a repeat of the selected case</source>
        <translation>关联为所选案件的重复反映(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="107"/>
        <source>It is a &amp;new request</source>
        <translation>这是新诉求(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="109"/>
        <source>&amp;Back</source>
        <translation>返回修改(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="152"/>
        <location filename="../../center/windows/workstation/main_window.py" line="174"/>
        <source>New case</source>
        <translation>新建案件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="191"/>
        <source>No household chosen</source>
        <translation>尚未选择户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="218"/>
        <source>&amp;Assign to the department now</source>
        <translation>立即分派至部门(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="220"/>
        <source>Resolved on the &amp;spot</source>
        <translation>当场解决(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="225"/>
        <source>What the resident needs</source>
        <translation>居民的诉求</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="236"/>
        <source>Request type:</source>
        <translation>诉求类型：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="303"/>
        <source>proposed: %1, %2</source>
        <translation>建议：%1，%2</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="368"/>
        <source>Choose the household first.</source>
        <translation>请先选择户。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="372"/>
        <source>Choose the request type.</source>
        <translation>请选择诉求类型。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="376"/>
        <source>Describe the request in the summary.</source>
        <translation>请在诉求摘要中描述诉求。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="381"/>
        <source>The received time is in the future.</source>
        <translation>受理时间晚于当前时间。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="69"/>
        <source>Door-knocking command center — workstation</source>
        <translation>敲门行动指挥中心 — 工作台</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="116"/>
        <source>&amp;Inbox</source>
        <translation>案件收件箱(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="117"/>
        <source>&amp;Department queue</source>
        <translation>部门待办(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="118"/>
        <source>&amp;Visit planning</source>
        <translation>走访计划(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="122"/>
        <source>&amp;Household</source>
        <translation>一户一档(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="125"/>
        <source>&amp;Spot checks</source>
        <translation>抽查回访(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="129"/>
        <source>&amp;Joint meetings</source>
        <translation>联席会议(&amp;J)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="143"/>
        <source>&amp;Budget</source>
        <translation>经费管理(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="172"/>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="178"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="416"/>
        <location filename="../../center/windows/workstation/planning.py" line="245"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="250"/>
        <source>%1 door-knocking command center — workstation</source>
        <translation>%1敲门行动指挥中心 — 工作台</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="260"/>
        <source>Workstation</source>
        <translation>工作台</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="261"/>
        <source>The database could not be read: %1</source>
        <translation>无法读取数据库：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="325"/>
        <source>Case %1 saved</source>
        <translation>案件 %1 已保存</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="333"/>
        <source>%1: saved (%2)</source>
        <translation>%1：已保存（%2）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="366"/>
        <source>● connected</source>
        <translation>● 已连接</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="367"/>
        <source>○ connecting…</source>
        <translation>○ 正在连接…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="368"/>
        <source>● database unreachable</source>
        <translation>● 数据库无法连接</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="75"/>
        <source>Record a visit to %1</source>
        <translation>登记对 %1 的走访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="108"/>
        <source>Visited by:</source>
        <translation>走访人：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="109"/>
        <source>Visited at:</source>
        <translation>走访时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="110"/>
        <source>Outcome:</source>
        <translation>走访结果：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="163"/>
        <source>Visited by others in the last 14 days: %1</source>
        <translation>近14天内已有他人走访：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="204"/>
        <location filename="../../center/windows/workstation/planning.py" line="456"/>
        <source>Building</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="207"/>
        <location filename="../../center/windows/workstation/planning.py" line="459"/>
        <source>Special groups</source>
        <translation>特殊群体</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="208"/>
        <location filename="../../center/windows/workstation/planning.py" line="460"/>
        <source>Progress</source>
        <translation>本期进度</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="506"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1192"/>
        <location filename="../../center/windows/workstation/planning.py" line="209"/>
        <location filename="../../center/windows/workstation/planning.py" line="461"/>
        <source>Due by</source>
        <translation>截止日期</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="210"/>
        <location filename="../../center/windows/workstation/planning.py" line="462"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="211"/>
        <location filename="../../center/windows/workstation/planning.py" line="463"/>
        <source>Last met</source>
        <translation>最近见面走访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="212"/>
        <location filename="../../center/windows/workstation/planning.py" line="464"/>
        <source>Others, last 14 days</source>
        <translation>近14天他人走访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="244"/>
        <source>Include households already visited</source>
        <translation>包括本期已完成走访的户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="262"/>
        <source>&amp;Record visit…</source>
        <translation>登记走访(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="263"/>
        <source>&amp;Open household</source>
        <translation>打开户档案(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="264"/>
        <source>Export &amp;CSV…</source>
        <translation>导出CSV(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="265"/>
        <source>Route sheet &amp;PDF…</source>
        <translation>打印路线单PDF(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="276"/>
        <source>Grid worker:</source>
        <translation>网格员：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="325"/>
        <source>Wrote %1 (%2 households).</source>
        <translation>已生成 %1（%2 户）。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="334"/>
        <source>Visit planning</source>
        <translation>走访计划</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="342"/>
        <source>Behind from last period %1 · due %2 · as of %3</source>
        <translation>上期未完成 %1 户 · 待走访 %2 户 · 截至 %3</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="374"/>
        <source>Someone else visited in the last 14 days: avoid knocking twice</source>
        <translation>近14天内已有他人走访：避免多头敲门</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="411"/>
        <source>Route sheet for the mobile terminal</source>
        <translation>移动终端走访路线单</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="424"/>
        <source>Printable route sheet</source>
        <translation>打印走访路线单</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="452"/>
        <source>Visit route sheet</source>
        <translation>走访路线单</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="453"/>
        <source>Grid %1 · %2 · as of %3 · behind from last period %4, due %5</source>
        <translation>网格 %1 · %2 · 截至 %3 · 上期未完成 %4 户，待走访 %5 户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="465"/>
        <source>Met / not home / refused</source>
        <translation>见面／不在家／拒绝</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="468"/>
        <source>No household is due.</source>
        <translation>当前没有需要走访的户。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="82"/>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="84"/>
        <source>&amp;Draw sample</source>
        <translation>抽取样本(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="99"/>
        <source>Drawn</source>
        <translation>抽取时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="111"/>
        <source>&amp;Passed</source>
        <translation>通过(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="112"/>
        <source>&amp;Failed (reopen)…</source>
        <translation>未通过（重启）(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="122"/>
        <source>Sample</source>
        <translation>抽取</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="124"/>
        <source>of cases closed from</source>
        <translation>的已办结案件，办结日期从</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="126"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="128"/>
        <source>seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="141"/>
        <source>Awaiting the verification call</source>
        <translation>待电话回访核实</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="168"/>
        <source>Spot check failed</source>
        <translation>抽查未通过</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="169"/>
        <source>What did the resident say? The case will be reopened.</source>
        <translation>居民怎么说？案件将重新启动。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="223"/>
        <source>Drew %1 of %2 cases closed %3 – %4 (%5 %, seed %6); logged.</source>
        <translation>已从 %3 至 %4 办结的 %2 件中抽取 %1 件（%5%，随机种子 %6），已记入日志。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="270"/>
        <source>Spot checks</source>
        <translation>抽查回访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="23"/>
        <location filename="../../center/windows/workstation/texts.py" line="47"/>
        <source>Received</source>
        <translation>已受理</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="24"/>
        <location filename="../../center/windows/workstation/texts.py" line="54"/>
        <source>Assigned</source>
        <translation>已分派</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="26"/>
        <location filename="../../center/windows/workstation/texts.py" line="56"/>
        <source>Resolved</source>
        <translation>已办结</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="27"/>
        <location filename="../../center/windows/workstation/texts.py" line="57"/>
        <source>Confirmed on site</source>
        <translation>已上门确认</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="28"/>
        <source>Rated</source>
        <translation>已评价</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="29"/>
        <location filename="../../center/windows/workstation/texts.py" line="59"/>
        <source>Spot-checked</source>
        <translation>已抽查</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="30"/>
        <source>At joint meeting</source>
        <translation>联席会议协调中</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="31"/>
        <source>Not our remit</source>
        <translation>不属于职责范围</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="32"/>
        <source>No action needed</source>
        <translation>无需处理</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="35"/>
        <source>&amp;Responded</source>
        <translation>已响应(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="36"/>
        <source>&amp;Assign…</source>
        <translation>分派(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="37"/>
        <source>A&amp;ccept</source>
        <translation>启动办理(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="38"/>
        <source>Re&amp;solve</source>
        <translation>办结(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="39"/>
        <source>Con&amp;firm on site</source>
        <translation>上门确认(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="40"/>
        <source>Ra&amp;te…</source>
        <translation>满意度评价(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="41"/>
        <source>Spot chec&amp;k…</source>
        <translation>抽查(&amp;K)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="42"/>
        <source>&amp;Escalate…</source>
        <translation>提交联席会议(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="43"/>
        <source>&amp;Not our remit…</source>
        <translation>不属于职责范围(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="44"/>
        <source>No action nee&amp;ded…</source>
        <translation>无需处理(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="45"/>
        <source>Re&amp;open…</source>
        <translation>重新启动(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="46"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="50"/>
        <location filename="../../center/windows/workstation/texts.py" line="51"/>
        <source>Case received</source>
        <translation>受理案件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="53"/>
        <source>Resident contacted</source>
        <translation>已联系居民</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="55"/>
        <source>Accepted by the department</source>
        <translation>部门启动办理</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="58"/>
        <source>Rated by the resident</source>
        <translation>居民评价</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="48"/>
        <source>Proposed for the meeting</source>
        <extracomment>the board&apos;s columns and the item statuses (zh_CN as center.office.meetings names them)</extracomment>
        <translation>建议上会</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="49"/>
        <source>On the agenda</source>
        <translation>已列入议程</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="50"/>
        <source>Decided</source>
        <translation>已议定</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="51"/>
        <source>In execution</source>
        <translation>执行中</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="52"/>
        <source>Completed</source>
        <translation>已办结</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="53"/>
        <source>Dropped from the agenda</source>
        <translation>已撤下</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="57"/>
        <location filename="../../center/windows/workstation/texts.py" line="60"/>
        <source>Escalated to the joint meeting</source>
        <extracomment>why a case is proposed (zh_CN as center.office.meetings.REASON_NAMES)</extracomment>
        <translation>提交联席会议</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="58"/>
        <source>Overdue, not closed</source>
        <translation>超期未办结</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="59"/>
        <source>Passed between departments</source>
        <translation>多次转办/退回</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="60"/>
        <source>Cluster of similar requests</source>
        <translation>同类集中反映</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="63"/>
        <source>Planned</source>
        <translation>待召开</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="64"/>
        <source>Held</source>
        <translation>已召开</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="65"/>
        <source>Minutes approved</source>
        <translation>纪要已审定</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="69"/>
        <source>Added to the agenda</source>
        <extracomment>an item&apos;s history notes (center.office.meetings writes one per move)</extracomment>
        <translation>列入议程</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="70"/>
        <source>Accepted onto the agenda</source>
        <translation>接受上会</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="71"/>
        <source>Dropped</source>
        <translation>撤下</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="72"/>
        <source>Decision recorded</source>
        <translation>会议议定</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="73"/>
        <source>Acknowledged by the lead department</source>
        <translation>牵头部门确认接办</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="74"/>
        <source>Progress note</source>
        <translation>进展情况</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="75"/>
        <source>Closed with a note</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="173"/>
        <source>Plan a joint meeting</source>
        <translation>计划联席会议</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="175"/>
        <source>Edit the meeting %1</source>
        <translation>编辑会议 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="186"/>
        <source>%1 joint meeting</source>
        <translation>%1联席会议</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="188"/>
        <source>%1-%2</source>
        <translation>%1年%2月</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="196"/>
        <source>who chairs the meeting</source>
        <translation>会议主持人</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="202"/>
        <source>Date:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="203"/>
        <source>Starts at:</source>
        <translation>开始时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="204"/>
        <source>Title:</source>
        <translation>会议名称：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="205"/>
        <source>Chair:</source>
        <translation>主持人：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="206"/>
        <source>Place:</source>
        <translation>地点：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="207"/>
        <source>Attending departments:</source>
        <translation>参会部门：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="215"/>
        <source>The meeting needs a title.</source>
        <translation>请填写会议名称。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="218"/>
        <source>Say who chairs the meeting.</source>
        <translation>请填写会议主持人。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="245"/>
        <source>Record the meeting %1 as held</source>
        <translation>记录会议 %1 已召开</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="249"/>
        <source>%1, %2: tick the departments that attended.</source>
        <translation>%1（%2）：请勾选实际到会的部门。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="257"/>
        <source>Notes for the minutes (optional)</source>
        <translation>纪要要点（选填）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="270"/>
        <source>Tick at least one department.</source>
        <translation>请至少勾选一个部门。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="293"/>
        <source>Decision on item %1</source>
        <translation>事项 %1 的会议议定</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="309"/>
        <source>What the meeting decided: measures, who does what</source>
        <translation>会议议定的措施及分工</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="318"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="416"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="495"/>
        <source>Lead department:</source>
        <translation>牵头部门：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="319"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="499"/>
        <source>Co-operating:</source>
        <translation>配合部门：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="320"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="503"/>
        <source>Measures:</source>
        <translation>议定措施：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="321"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="505"/>
        <source>Due (last day):</source>
        <translation>办结期限（最后一天）：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="330"/>
        <source>Write down the measures decided.</source>
        <translation>请填写议定措施。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="392"/>
        <source>Add to the agenda of %1</source>
        <translation>添加到会议 %1 的议程</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="395"/>
        <source>A &amp;case, by its number</source>
        <translation>案件(&amp;C)，按案件编号</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="396"/>
        <source>A free &amp;topic</source>
        <translation>自由议题(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="401"/>
        <source>case number</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="404"/>
        <source>what the meeting should discuss</source>
        <translation>会议需要讨论的内容</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="406"/>
        <source>(the case&apos;s department / none yet)</source>
        <translation>（案件的责任部门 / 暂不指定）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="430"/>
        <source>Type the case number.</source>
        <translation>请输入案件编号。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="433"/>
        <source>Type the topic.</source>
        <translation>请输入议题。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="462"/>
        <source>Joint-meeting item %1</source>
        <translation>联席会议事项 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="476"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="331"/>
        <source>OVERDUE</source>
        <translation>逾期</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="480"/>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="483"/>
        <source>Proposed because:</source>
        <translation>建议理由：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="488"/>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="492"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="419"/>
        <source>Meeting:</source>
        <translation>会议：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="508"/>
        <source>Decided at:</source>
        <translation>议定时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="509"/>
        <source>Acknowledged at:</source>
        <translation>接办时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="510"/>
        <source>Closed at:</source>
        <translation>办结时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="515"/>
        <source>Drop reason:</source>
        <translation>撤下理由：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="516"/>
        <source>Closing note:</source>
        <translation>办结说明：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="567"/>
        <source>Click a case to open it</source>
        <translation>单击案件即可打开</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="574"/>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="598"/>
        <source>Linked cases (%1) — click one to open it</source>
        <translation>关联案件（%1）——单击打开</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_dialogs.py" line="606"/>
        <source>History</source>
        <translation>办理记录</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="61"/>
        <source>Closed: not our remit</source>
        <translation>结案：不属于职责范围</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="62"/>
        <source>Closed: no action needed</source>
        <translation>结案：无需处理</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="63"/>
        <source>Reopened</source>
        <translation>重新启动</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="64"/>
        <source>Edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="67"/>
        <source>Visit</source>
        <translation>上门走访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="68"/>
        <source>Hotline</source>
        <translation>热线</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="69"/>
        <source>Online</source>
        <translation>线上</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="70"/>
        <source>Proactive service</source>
        <translation>主动服务</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="73"/>
        <source>Immediate</source>
        <translation>即时响应</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="74"/>
        <source>24 hours</source>
        <translation>24小时</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="75"/>
        <source>3 working days</source>
        <translation>3个工作日</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="83"/>
        <source>Met</source>
        <translation>见面</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="84"/>
        <source>Not home</source>
        <translation>不在家</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="85"/>
        <source>Refused</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="88"/>
        <source>Solo elderly</source>
        <translation>独居老人</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="89"/>
        <source>Disabled</source>
        <translation>残障人士</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="90"/>
        <source>Child in difficulty</source>
        <translation>困境儿童</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="91"/>
        <source>Low income</source>
        <translation>低保/困难家庭</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="92"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="91"/>
        <source>&amp;Accept onto the agenda</source>
        <extracomment>the moves whose buttons the board shows, in order</extracomment>
        <translation>接受上会(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="92"/>
        <source>D&amp;rop…</source>
        <translation>撤下(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="93"/>
        <source>D&amp;ecide…</source>
        <translation>议定(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="94"/>
        <source>Ac&amp;knowledge</source>
        <translation>确认接办(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="95"/>
        <source>&amp;Progress note…</source>
        <translation>进展(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="96"/>
        <source>C&amp;lose item…</source>
        <translation>办结(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="174"/>
        <source>Item %1 is “%2”: that is not possible any more.</source>
        <translation>事项 %1 当前为“%2”，该操作已无法进行。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="178"/>
        <source>Its cases were closed or put on an agenda.</source>
        <translation>其案件已办结或已列入议程。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="184"/>
        <source>Someone else changed %1 %2 meanwhile; nothing was saved. The board was reloaded: look at it again.</source>
        <translation>其他人刚刚修改了%1 %2，本次未保存任何内容。看板已刷新，请核对后重试。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="191"/>
        <source>item</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="193"/>
        <source>meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="198"/>
        <source>Your role may not do this (%1).</source>
        <translation>您的角色无权进行此操作（%1）。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="203"/>
        <source>Plan the next meeting first, or check the meeting: %1</source>
        <translation>请先计划下一次会议，或检查会议：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="206"/>
        <source>The due date cannot lie before the decision: %1</source>
        <translation>办结期限不能早于议定日期：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="207"/>
        <source>That case cannot be added: %1</source>
        <translation>该案件无法添加：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="208"/>
        <source>Not yet possible: %1</source>
        <translation>暂不能进行：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="212"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="222"/>
        <source>Item %1 (“%2”) cannot move to “%3”.</source>
        <translation>事项 %1（“%2”）不能移到“%3”。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="228"/>
        <source>From here it can go to: %1.</source>
        <translation>当前只能移到：%1。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="232"/>
        <source>It stays where it is.</source>
        <translation>它保持当前状态。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="321"/>
        <source>lead %1</source>
        <translation>牵头 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="329"/>
        <source>lead %1 · due %2</source>
        <translation>牵头 %1 · 期限 %2</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="336"/>
        <source>and %1 more</source>
        <translation>等，另 %1 件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="341"/>
        <source>topic (no case)</source>
        <translation>议题（无关联案件）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="349"/>
        <source>Proposed because: %1</source>
        <translation>建议理由：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="355"/>
        <source>Lead: %1</source>
        <translation>牵头：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="360"/>
        <source>With: %1</source>
        <translation>配合：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="362"/>
        <source>Due: %1</source>
        <translation>期限：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="409"/>
        <source>Pla&amp;n a meeting…</source>
        <translation>计划会议(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="410"/>
        <source>Ed&amp;it meeting…</source>
        <translation>编辑会议(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="432"/>
        <source>Hide this message</source>
        <translation>关闭此提示</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="447"/>
        <source>Overdue only</source>
        <translation>只看逾期</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="449"/>
        <source>De&amp;tails…</source>
        <translation>详情(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="489"/>
        <source>Drag a card to the next column to move it; double-click it for its details and cases. Red cards are overdue.</source>
        <translation>把卡片拖到下一列即可推进事项；双击卡片查看详情和关联案件。红色卡片为逾期事项。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="501"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="533"/>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="502"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1190"/>
        <source>Item</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="504"/>
        <source>Lead department</source>
        <translation>牵头部门</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="95"/>
        <source>Behind from last period</source>
        <translation>上期未完成</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="490"/>
        <source>States: “Behind from last period”: the household did not get all the visits it needed in the previous period (a month for special groups, a quarter for other households); it is still owed, so visit it first, by the date under “Due by”. “Due”: it still needs a visit in this period, by that date. “Progress”: visits made / needed in this period.</source>
        <translation>状态说明：“上期未完成”指该户上一周期（特殊群体按月、其他住户按季）应走访次数没有完成，仍欠走访，请优先上门，并在“截止日期”前完成；“待走访”指本周期还需走访，截止日期同上；“本期进度”为本周期已走访/应走访次数。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="96"/>
        <source>Due</source>
        <translation>待走访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="510"/>
        <source>Add a &amp;case…</source>
        <translation>添加案件(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="512"/>
        <source>Drop from the agenda…</source>
        <translation>撤出议程…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="534"/>
        <source>Proposed item</source>
        <translation>建议事项</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="535"/>
        <source>Reasons</source>
        <translation>建议理由</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="541"/>
        <source>Accept onto the agenda</source>
        <translation>接受上会</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="542"/>
        <source>Drop with a reason…</source>
        <translation>撤下（需说明理由）…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="571"/>
        <source>Board</source>
        <translation>看板</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="572"/>
        <source>Agenda and proposals</source>
        <translation>议程与建议上会</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="658"/>
        <source>No meeting planned yet: plan one to put proposals on its agenda.</source>
        <translation>尚未计划会议：请先计划一次会议，才能把建议事项列入议程。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="663"/>
        <source>chair %1</source>
        <translation>主持 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="670"/>
        <source>attending %1</source>
        <translation>参会 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="674"/>
        <source>next meeting</source>
        <translation>下次会议</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="719"/>
        <source>Agenda of %1 (%2 items)</source>
        <translation>%1 议程（%2 项）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="744"/>
        <source>Proposals for %1 (%2)</source>
        <translation>%1 建议上会事项（%2）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="745"/>
        <source>the next meeting</source>
        <translation>下次会议</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="825"/>
        <source>This session is read-only.</source>
        <translation>当前为只读会话。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="828"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="850"/>
        <source>Only the coordinators (综合协调组) run the joint meetings.</source>
        <translation>只有综合协调组可以组织联席会议。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="831"/>
        <source>Only the lead department or a coordinator does this.</source>
        <translation>只有牵头部门（或代无账号部门的综合协调组）可以进行此操作。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="833"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="875"/>
        <location filename="../../center/windows/workstation/meetings_view.py" line="936"/>
        <source>Select an item first.</source>
        <translation>请先选择一个事项。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="835"/>
        <source>Not possible for an item that is “%1”.</source>
        <translation>事项处于“%1”状态时不能进行此操作。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="843"/>
        <source>Only the lead department (%1) does this.</source>
        <translation>只有牵头部门（%1）可以进行此操作。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="857"/>
        <source>Plan a meeting first.</source>
        <translation>请先计划一次会议。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="859"/>
        <source>Only a planned meeting is recorded as held.</source>
        <translation>只有待召开的会议才能记为已召开。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="861"/>
        <source>The minutes are approved: the meeting is final.</source>
        <translation>会议纪要已审定，会议不能再修改。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="917"/>
        <source>That item is no longer on the board.</source>
        <translation>该事项已不在看板上。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="946"/>
        <source>Drop item %1</source>
        <translation>撤下事项 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="947"/>
        <source>Why is “%1” dropped? It is not proposed again for this meeting.</source>
        <translation>为什么撤下“%1”？撤下后本次会议不再建议该事项。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="957"/>
        <source>Progress on item %1</source>
        <translation>事项 %1 的进展</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="958"/>
        <source>What has been done on “%1” so far?</source>
        <translation>“%1”目前办理进展如何？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="961"/>
        <source>Write the progress note.</source>
        <translation>请填写进展情况。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="967"/>
        <source>Close item %1</source>
        <translation>办结事项 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="968"/>
        <source>How was “%1” settled? The closing note goes into the minutes; the linked cases keep their own lifecycle.</source>
        <translation>“%1”是如何办结的？办结说明将写入会议纪要；关联案件仍按各自流程办理。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="973"/>
        <source>A closing note is required.</source>
        <translation>必须填写办结说明。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1103"/>
        <source>Item %1: %2</source>
        <translation>事项 %1：%2</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1107"/>
        <source>Item %1: progress note saved</source>
        <translation>事项 %1：进展已保存</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1119"/>
        <source>Meeting %1 saved (%2)</source>
        <translation>会议 %1 已保存（%2）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1126"/>
        <source>Item %1 added to the agenda</source>
        <translation>事项 %1 已列入议程</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1139"/>
        <source>The board could not be read: %1</source>
        <translation>无法读取看板：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1181"/>
        <source>Joint-meeting items led by the department</source>
        <translation>本部门牵头的联席会议事项</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1185"/>
        <source>Open in the joint-meeting tab</source>
        <translation>在联席会议页打开</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1193"/>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1232"/>
        <source>Joint-meeting items led by %1: %2</source>
        <translation>%1 牵头的联席会议事项：%2 项</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1237"/>
        <source>%1 overdue</source>
        <translation>逾期 %1 项</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1265"/>
        <source>Joint-meeting items: %1</source>
        <translation>联席会议事项：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="97"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="100"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="101"/>
        <source>Coordinator</source>
        <translation>综合协调组</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="102"/>
        <source>Supervisor</source>
        <translation>督导考核组</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="103"/>
        <source>Leader</source>
        <translation>领导小组</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="105"/>
        <source>Viewer</source>
        <translation>只读用户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="106"/>
        <source>Grid worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="109"/>
        <source>Building leader</source>
        <translation>楼栋长</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="110"/>
        <source>Community worker</source>
        <translation>社区工作者</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="111"/>
        <source>Volunteer</source>
        <translation>志愿者</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="112"/>
        <source>Professional</source>
        <translation>专业人员</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="115"/>
        <source>code</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="116"/>
        <source>resident name</source>
        <translation>居民姓名</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="117"/>
        <source>phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="119"/>
        <source>address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="221"/>
        <source>%1d %2h</source>
        <translation>%1天%2时</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="225"/>
        <source>%1h %2m</source>
        <translation>%1时%2分</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="229"/>
        <source>%1m</source>
        <translation>%1分</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="127"/>
        <location filename="../../center/windows/workstation/login.py" line="163"/>
        <source>user name</source>
        <extracomment>the action filter&apos;s proposals (any action or ``prefix*`` may be typed)</extracomment>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="134"/>
        <source>An action, or a prefix followed by * (e.g. case.*)</source>
        <translation>操作名，或前缀加 *（如 case.*）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="136"/>
        <source>Since:</source>
        <translation>起始时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="146"/>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="155"/>
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="157"/>
        <source>Action:</source>
        <translation>操作：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="161"/>
        <source>Record:</source>
        <translation>对象：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="169"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="171"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="172"/>
        <source>Record</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="173"/>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="185"/>
        <source>&lt; Newer</source>
        <translation>&lt; 较新</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="187"/>
        <source>Older &gt;</source>
        <translation>较早 &gt;</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="193"/>
        <source>&amp;Verify chain</source>
        <translation>校验审计链(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="225"/>
        <source>Record: give KIND:ID, e.g. case:K202610060001</source>
        <translation>对象：请按“类型:编号”填写，如 case:K202610060001</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="256"/>
        <source>Verifying…</source>
        <translation>正在校验…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="282"/>
        <source>The chain could not be verified: %1</source>
        <translation>无法校验审计链：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="286"/>
        <source>The audit log could not be read: %1</source>
        <translation>无法读取审计日志：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="307"/>
        <source>%1 rows</source>
        <translation>共 %1 条</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="309"/>
        <source>No audit rows match.</source>
        <translation>没有符合条件的审计记录。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="317"/>
        <source>Page %1</source>
        <translation>第 %1 页</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="1"/>
        <source>Page %1 of %2</source>
        <translation>第 %1 页 / 共 %2 页</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="1"/>
        <source>Rows %1–%2 of %3 (newest first)</source>
        <translation>第 %1–%2 条，共 %3 条（最新在前）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="1"/>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="1"/>
        <source>Demo data generator</source>
        <translation>演示数据生成程序</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="1"/>
        <source> … (%1 in all)</source>
        <translation>… 等 %1 项</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="1"/>
        <source>Done today</source>
        <translation>今日已完成</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="1"/>
        <source>This period (%1): %2 of %3 met-visits, %4 still needed by %5.</source>
        <translation>本期（%1）：已见面走访 %2/%3 次，%5 前还需 %4 次。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="1"/>
        <source>Behind from last period: the previous period (%1) did not get the %2 met-visit(s) it needed. The mark clears once this period's visits are met.</source>
        <translation>上期未完成：上一周期（%1）未达到应有的 %2 次见面走访。本期走访次数达标后此标记即消除。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="1"/>
        <source>This period (%1): all %2 met-visit(s) done.</source>
        <translation>本期（%1）：%2 次见面走访已全部完成。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="1"/>
        <source>You may plan visits only for the grid workers of your own grid.</source>
        <translation>您只能为本网格的网格员安排走访。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="1"/>
        <source>Your role does not plan visits.</source>
        <translation>您的角色不负责安排走访。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="326"/>
        <source>Audit chain intact: %1 rows (head %2…)</source>
        <translation>审计链完整：%1 条（链头 %2…）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="333"/>
        <source>Audit chain broken at row %1: %2</source>
        <translation>审计链在第 %1 条断裂：%2</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="140"/>
        <source>A&amp;udit log</source>
        <translation>审计日志(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="146"/>
        <location filename="../../center/windows/workstation/main_window.py" line="193"/>
        <source>Logged in: %1</source>
        <translation>当前用户：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="117"/>
        <source>Reveal &amp;phone for the call…</source>
        <translation>查看回访电话(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="188"/>
        <source>Reveal the phone for the verification call</source>
        <translation>查看回访核实电话</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="189"/>
        <source>The phone of a resident of this household will be shown once and the access is recorded in the audit log. Why is it needed?</source>
        <translation>将显示该户一名居民的电话，仅显示一次，查看记录写入审计日志。请说明查看原因：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="194"/>
        <source>Spot-check verification call</source>
        <translation>抽查回访核实</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="205"/>
        <source>Phone for the verification call</source>
        <translation>回访核实电话</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="207"/>
        <source>Case %1, household %2
%3: %4</source>
        <translation>案件 %1，住户 %2
%3：%4</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="107"/>
        <source>Finance</source>
        <translation>经费管理</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="108"/>
        <source>Video wall</source>
        <translation>指挥大屏</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="131"/>
        <source>Workstation locked</source>
        <extracomment>what counts as the user being there what is kept from the covered windows while the lock is on</extracomment>
        <translation>工作台已锁定</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="141"/>
        <source>The workstation is locked</source>
        <translation>工作台已锁定</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="148"/>
        <source>No input for %1 minutes. Enter your password to continue where you left off.</source>
        <translation>已有 %1 分钟无操作。请输入密码解锁，继续未完成的工作。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="157"/>
        <location filename="../../center/windows/workstation/login.py" line="168"/>
        <source>password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="166"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="169"/>
        <source>Quit the workstation</source>
        <translation>退出工作台</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="204"/>
        <location filename="../../center/windows/workstation/login.py" line="243"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="367"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="97"/>
        <source>The account is locked after 5 failed logins until %1: try again then, or ask an administrator.</source>
        <translation>连续 5 次登录失败，账号已锁定至 %1：请届时再试，或联系管理员。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="103"/>
        <source>The account is disabled: ask an administrator.</source>
        <translation>该账号已停用，请联系管理员。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="105"/>
        <source>The account has no password yet: ask an administrator to set one.</source>
        <translation>该账号尚未设置密码，请联系管理员设置。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="108"/>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="110"/>
        <source>The login could not be checked: %1</source>
        <translation>无法验证登录：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="143"/>
        <source>Log in — door-knocking command center</source>
        <translation>登录 — 敲门行动指挥中心</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="152"/>
        <source>Door-knocking command center</source>
        <translation>敲门行动指挥中心</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="158"/>
        <source>Log in with your account</source>
        <translation>请使用您的账号登录</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="171"/>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="172"/>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="189"/>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="193"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="230"/>
        <source>Enter your user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="289"/>
        <source>Demo street: accounts %1, all with the password “%2”. Never enter real data here.</source>
        <translation>演示街道：账号 %1，密码均为“%2”。请勿在此录入真实数据。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="305"/>
        <source>No account can log in to this database yet. An administrator adds the first one on the command line: %1 — then log in with it here.</source>
        <translation>本数据库还没有可登录的账号。请管理员先在命令行添加第一个账号：%1，然后在此登录。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="358"/>
        <source>Locked — %1</source>
        <translation>已锁定 — %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="468"/>
        <source>Rec&amp;ord as held…</source>
        <translation>记为已召开(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="568"/>
        <source>Add a &amp;topic…</source>
        <translation>添加议题(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="713"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="214"/>
        <source>The lead department has an account of its own: it acknowledges the item and reports on it itself.</source>
        <translation>牵头部门有自己的账号，应由其自行确认接办并报告进展。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="220"/>
        <source>Your department does not lead this item.</source>
        <translation>本部门不是该事项的牵头部门。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="59"/>
        <source>Passed away</source>
        <translation>去世</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="60"/>
        <source>Moved away from the household</source>
        <translation>迁离本户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="65"/>
        <source>Special household</source>
        <translation>特殊群体户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="66"/>
        <source>Moved out on</source>
        <translation>迁出日期</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="68"/>
        <source>Phone of %1</source>
        <translation>%1 的电话</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="69"/>
        <source>Tags of %1</source>
        <translation>%1 的标签</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="70"/>
        <source>Member %1</source>
        <translation>成员 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="74"/>
        <source>The notes may not hold an identity or phone number (enter a phone in the member&apos;s phone field), and at most 500 characters.</source>
        <translation>备注中不得含身份证号或电话号码（电话请填在成员的电话栏），且不超过500字。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="79"/>
        <source>The move-out date is in the future.</source>
        <translation>迁出日期不能晚于今天。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="80"/>
        <source>Not a phone number: type the whole 11-digit mobile number starting with 1, or a landline with its area code such as 010-12345678.</source>
        <translation>电话号码无效：请输入完整的以1开头的11位手机号，或带区号的固定电话（如 010-12345678）。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="85"/>
        <source>The number of members is at least 1.</source>
        <translation>家庭人数至少为1。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="86"/>
        <source>Type the new member&apos;s whole name.</source>
        <translation>请输入新成员的完整姓名。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="87"/>
        <source>Not a valid identity number: 18 characters, the birth date inside it and the check digit must be right.</source>
        <translation>身份证号码无效：须为18位，其中的出生日期和校验码须正确。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="92"/>
        <source>The birth date is in the future.</source>
        <translation>出生日期不能晚于今天。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="93"/>
        <source>Nothing was changed. If the record is still right, use “Confirm profile” instead.</source>
        <translation>没有任何修改。如档案信息仍然准确，请使用“确认档案无误”。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="103"/>
        <source>Your role may not change this household&apos;s profile: only the worker of its grid and the coordinators may.</source>
        <translation>您的角色不能修改此户档案：只有本网格的网格员和综合协调组可以修改。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="168"/>
        <source>Change phone</source>
        <translation>修改电话</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="171"/>
        <source>11-digit mobile, or a landline with its area code</source>
        <translation>11位手机号，或带区号的固定电话</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="175"/>
        <source>Member:</source>
        <translation>成员：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="176"/>
        <source>Phone now:</source>
        <translation>现有电话：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="177"/>
        <source>New phone:</source>
        <translation>新电话：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="178"/>
        <source>Leave it empty when the member has no phone.</source>
        <translation>成员没有电话时留空。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="196"/>
        <source>Remove a member</source>
        <translation>移除成员</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="198"/>
        <source>%1 will be taken off the household&apos;s record (with the personal information stored about them). Why?</source>
        <translation>%1 将从此户档案中移除（连同其个人信息）。原因是？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="220"/>
        <source>Choose why the member leaves.</source>
        <translation>请选择成员移除的原因。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="234"/>
        <source>Add a member</source>
        <translation>添加成员</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="241"/>
        <source>Born on</source>
        <translation>出生于</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="253"/>
        <source>separated by ; e.g. 党员;独居老人</source>
        <translation>用 ; 分隔，如 党员;独居老人</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="258"/>
        <source>Name:</source>
        <translation>姓名：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="259"/>
        <source>Gender:</source>
        <translation>性别：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="260"/>
        <source>Birth date:</source>
        <translation>出生日期：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="261"/>
        <source>ID number:</source>
        <translation>身份证号：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="262"/>
        <source>Phone:</source>
        <translation>电话：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="263"/>
        <source>Tags:</source>
        <translation>标签：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="265"/>
        <source>The identity number gives the birth date and gender when they are left empty.</source>
        <translation>出生日期和性别留空时，按身份证号填写。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="314"/>
        <source>Edit household profile %1</source>
        <translation>修改住户档案 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="326"/>
        <source>not recorded</source>
        <translation>未登记</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="346"/>
        <source>A household that moved out leaves the visit cadence and the coverage figures from the period it moved out in.</source>
        <translation>迁出的住户自迁出当期起不再纳入走访频次和覆盖率统计。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="361"/>
        <source>What the next visitor should know (no ID or phone numbers)</source>
        <translation>下次走访需要知道的情况（不要填写身份证号或电话）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="367"/>
        <source>Moved out:</source>
        <translation>迁出：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="377"/>
        <source>Change</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="387"/>
        <source>Change &amp;phone…</source>
        <translation>修改电话(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="388"/>
        <source>&amp;Remove member…</source>
        <translation>移除成员(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="389"/>
        <source>&amp;Add member…</source>
        <translation>添加成员(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="390"/>
        <source>&amp;Undo member change</source>
        <translation>撤销成员修改(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="401"/>
        <source>Members on record</source>
        <translation>在册成员</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="409"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="431"/>
        <source>removed: %1</source>
        <translation>移除：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="438"/>
        <source>new phone %1</source>
        <translation>新电话 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="443"/>
        <source>new member</source>
        <translation>新成员</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="565"/>
        <source>Household changed by someone else</source>
        <translation>此户档案已被他人修改</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="571"/>
        <source>an import</source>
        <translation>数据导入</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="573"/>
        <source>Household %1 was changed by %2 after you opened it. Your change was not saved and nothing was overwritten. Reload the household to see the current record, then make your change again.</source>
        <translation>住户 %1 在您打开后已被 %2 修改。您的修改未保存，也没有覆盖任何内容。请重新载入此户查看当前档案，然后再次修改。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="588"/>
        <source>What changed</source>
        <translation>修改内容</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="594"/>
        <source>The profile was confirmed.</source>
        <translation>档案已确认无误。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="605"/>
        <source>&amp;Reload the household</source>
        <translation>重新载入此户(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="622"/>
        <source>Household records verified by grid</source>
        <translation>各网格一户一档核实情况</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="625"/>
        <source>Households verified in the last 30 days (a visit that met them, or their profile confirmed or edited) among the households that have not moved out.</source>
        <translation>未迁出住户中近30天内核实过的户数（上门走访见到住户，或档案经确认、修改）。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="638"/>
        <source>Verified</source>
        <translation>已核实</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="639"/>
        <source>Share</source>
        <translation>核实率</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="144"/>
        <source>Last verified:</source>
        <translation>最近核实：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="145"/>
        <source>Grid verified (30 days):</source>
        <translation>网格30天核实率：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="152"/>
        <source>By &amp;grid…</source>
        <translation>各网格(&amp;G)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="218"/>
        <source>&amp;Edit profile…</source>
        <translation>修改档案(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="219"/>
        <source>Con&amp;firm profile</source>
        <translation>确认档案无误(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="221"/>
        <source>Record that you checked this household&apos;s record and it is still right</source>
        <translation>记录您已核对此户档案、信息仍然准确</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="329"/>
        <source>moved out: no longer in the visit cadence</source>
        <translation>已迁出：不再纳入走访频次</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="413"/>
        <source>never</source>
        <translation>从未核实</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="415"/>
        <source>visit by %1</source>
        <translation>%1上门走访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="417"/>
        <source>profile confirmed by %1</source>
        <translation>%1核实档案</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="419"/>
        <source>%1 days ago</source>
        <translation>%1 天前</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="427"/>
        <source>%1 of %2 households (%3)</source>
        <translation>%2 户中 %1 户（%3）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="196"/>
        <source>Change tags</source>
        <translation>修改标签</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="423"/>
        <source>Change &amp;tags…</source>
        <translation>修改标签(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="481"/>
        <source>new tags %1</source>
        <translation>新标签 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="420"/>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_dialogs.py" line="63"/>
        <source>Number of members</source>
        <translation>户内人数</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="1"/>
        <source>Type what to look for first</source>
        <translation>请先输入要查找的内容</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="1"/>
        <source>Choose a resident first</source>
        <translation>请先选择一位居民</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="1"/>
        <source>Choose a sampled case first</source>
        <translation>请先选择一件抽中的案件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="1"/>
        <source>No case selected: Ctrl+Enter has nothing to do.</source>
        <translation>未选择案件：Ctrl+Enter 无可执行的操作。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="1"/>
        <source>Still saving the last step of %1.</source>
        <translation>仍在保存 %1 的上一步操作。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="1"/>
        <source>Case %1 (%2) has no next step for you.</source>
        <translation>案件 %1（%2）没有需要您处理的下一步。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>Subcategory</source>
        <translation>小类</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>Response time</source>
        <translation>响应时长</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>On the spot</source>
        <translation>是否当场解决</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>Lowest-rated combination</source>
        <translation>评价最低的组合</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>&amp;Month:</source>
        <translation>月份(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>Dimension</source>
        <translation>维度</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>Ratings</source>
        <translation>评价件数</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>Rated 4–5</source>
        <translation>满意（4至5分）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>Satisfied share</source>
        <translation>满意率</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>Mean rating</source>
        <translation>平均分</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>Satisfaction and its drivers</source>
        <translation>满意度及其影响因素</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>Suggestions for the KPIs below target</source>
        <translation>未达标指标的改进建议</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>The suggestions could not be computed: %1</source>
        <translation>无法生成改进建议：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>%1: KPIs below target at the street: %2 (as of %3)</source>
        <translation>%1：全街道%2项指标未达标（统计截至%3）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/insight_view.py" line="1"/>
        <source>%1: every KPI with data meets its target (as of %2)</source>
        <translation>%1：全街道各项有数据的指标均已达标（统计截至%2）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="1"/>
        <source>Su&amp;ggestions</source>
        <translation>改进建议(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="1"/>
        <source>Write the result (what was done) in the note before resolving.</source>
        <translation>办结前请在备注中写明办理结果（做了什么）。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="1"/>
        <source>Spot checks are made by the supervisors (督导考核组); you can see the results.</source>
        <translation>抽查回访由督导考核组进行；您可查看结果。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="1"/>
        <source>No sample drawn yet: choose the closing dates and the share, then click Draw sample.</source>
        <translation>尚未抽取样本：选择结案日期范围和比例后点击“抽取样本”。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="1"/>
        <source>No sampled case awaits a call.</source>
        <translation>暂无待电话回访的抽查样本。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="1"/>
        <source>Spot check of %1 failed: it was reopened as new case %2 (%3).</source>
        <translation>%1 抽查未通过，已重启为新案件 %2（%3）。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="1"/>
        <source>open case %1</source>
        <translation>打开案件 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="1"/>
        <source>Spot check of %1 passed.</source>
        <translation>%1 抽查通过。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="1"/>
        <source>; new case %1</source>
        <translation>；新案件 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1"/>
        <source>Drag a decided item your department leads to “In execution” to take it on; double-click a card for its details and cases. Red cards are overdue.</source>
        <translation>把本部门牵头的“已议定”事项拖到“执行中”即确认接办；双击卡片查看详情和关联案件。红色卡片为逾期事项。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1"/>
        <source>Double-click a card for its details and cases. Red cards are overdue.</source>
        <translation>双击卡片查看详情和关联案件。红色卡片为逾期事项。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/meetings_view.py" line="1"/>
        <source>Added to the agenda of %1</source>
        <translation>已加入 %1 的议程</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="1"/>
        <source>Tr&amp;ends and forecast</source>
        <translation>趋势与预测(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>%1 · %2: cases, forecast against actual</source>
        <translation>%1 · %2：诉求件数，预测与实际对比</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>%1 by month (as of %2)</source>
        <translation>%1 月度趋势（截至 %2）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>&amp;Area:</source>
        <translation>范围(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>&amp;KPI:</source>
        <translation>指标(&amp;K)：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>80% interval</source>
        <translation>80%预测区间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>Ca&amp;tegory:</source>
        <translation>类别(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>Policy enquiries</source>
        <translation>政策咨询</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>Living services</source>
        <translation>生活服务</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>Dispute mediation</source>
        <translation>矛盾调解</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>Emergency help</source>
        <translation>应急求助</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>Forecast: %1</source>
        <translation>预测：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>Model (%1)</source>
        <translation>模型(%1)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>Last month&apos;s count</source>
        <translation>上月值</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>Mean of the last 3 months</source>
        <translation>近3个月均值</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>Next month</source>
        <translation>下月预测</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>Target</source>
        <translation>目标值</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>The charts could not be computed: %1</source>
        <translation>图表无法计算：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>cases</source>
        <translation>件数</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>hours</source>
        <translation>小时</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/trends_view.py" line="1"/>
        <source>Backtest of the last %1 complete months, each month forecast from the cases before it; forecast shown: %2. %3 forecast: %4 (80% interval %5–%6), by %7.</source>
        <translation>回测最近%1个完整月份，每月仅用此前的诉求预测；图中预测为：%2。%3预测%4件（80%区间%5–%6件），方法：%7。</translation>
    </message>
</context>
</TS>
