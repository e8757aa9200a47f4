<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Workstation</name>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="64" />
        <source>Why does this case need the joint meeting (联席会议)?</source>
        <translation>为什么需要提交联席会议协调？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="67" />
        <source>Why is this outside the street's remit, and where was the resident sent?</source>
        <translation>为什么不属于街道职责范围？已引导居民向何处反映？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="70" />
        <source>Why is no action needed?</source>
        <translation>为什么无需处理？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="71" />
        <source>Why is the case reopened?</source>
        <translation>为什么重新启动此案件？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="74" />
        <source>The case is already assigned to this department.</source>
        <translation>该案件已分派给此部门。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="75" />
        <source>The case was already reopened and the new case is still open.</source>
        <translation>该案件已重新启动，新案件尚未办结。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="78" />
        <source>The case was already responded to.</source>
        <translation>该案件已经响应过。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="79" />
        <source>The time is earlier than the previous step.</source>
        <translation>时间早于上一环节。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="80" />
        <source>Please give a reason.</source>
        <translation>请填写理由。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="112" />
        <source>Case %1 is now “%2”: “%3” is not possible.</source>
        <translation>案件 %1 当前状态为“%2”，不能执行“%3”。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="118" />
        <source>Your role may not do this: %1</source>
        <translation>您的角色无权执行：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="125" />
        <source>Not found: %1</source>
        <translation>未找到：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="126" />
        <source>The change could not be saved: %1</source>
        <translation>修改未能保存：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="136" />
        <source>Edit case %1</source>
        <translation>编辑案件 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="143" />
        <location filename="../../center/windows/workstation/case_view.py" line="203" />
        <location filename="../../center/windows/workstation/intake.py" line="240" />
        <source>Priority:</source>
        <translation>优先级：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="144" />
        <location filename="../../center/windows/workstation/intake.py" line="247" />
        <source>Summary:</source>
        <translation>诉求摘要：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="184" />
        <location filename="../../center/windows/workstation/case_view.py" line="332" />
        <source>No case selected</source>
        <translation>未选择案件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="202" />
        <source>Request:</source>
        <translation>诉求类型：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="204" />
        <location filename="../../center/windows/workstation/intake.py" line="232" />
        <source>Source:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="205" />
        <source>Household:</source>
        <translation>户：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="206" />
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="207" />
        <location filename="../../center/windows/workstation/household_view.py" line="120" />
        <source>Grid:</source>
        <translation>网格：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="208" />
        <location filename="../../center/windows/workstation/dept_view.py" line="80" />
        <location filename="../../center/windows/workstation/dialogs.py" line="154" />
        <location filename="../../center/windows/workstation/intake.py" line="244" />
        <source>Department:</source>
        <translation>责任部门：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="209" />
        <location filename="../../center/windows/workstation/intake.py" line="246" />
        <source>Received:</source>
        <translation>受理时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="210" />
        <source>Responded:</source>
        <translation>响应时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="211" />
        <source>Assigned:</source>
        <translation>分派时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="212" />
        <source>Accepted:</source>
        <translation>启动时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="213" />
        <source>Closed:</source>
        <translation>办结时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="214" />
        <source>Confirmed:</source>
        <translation>确认时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="215" />
        <source>Rating:</source>
        <translation>满意度：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="252" />
        <location filename="../../center/windows/workstation/dialogs.py" line="107" />
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="253" />
        <location filename="../../center/windows/workstation/dialogs.py" line="108" />
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="254" />
        <source>Event</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="255" />
        <location filename="../../center/windows/workstation/route_sheet.py" line="60" />
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="265" />
        <source>Note for the next action (kept if saving fails)</source>
        <translation>下一步操作的备注（保存失败时保留）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="268" />
        <source>Ctrl+Enter: the next step of the case</source>
        <translation>Ctrl+Enter：执行案件的下一步</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="274" />
        <source>Ed&amp;it…</source>
        <translation>编辑(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="292" />
        <source>Timeline</source>
        <translation>办理过程</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="350" />
        <source>resolved on the spot</source>
        <translation>当场解决</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="370" />
        <source>spot check passed</source>
        <translation>抽查通过</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="372" />
        <source>spot check failed</source>
        <translation>抽查未通过</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="377" />
        <source>(no summary)</source>
        <translation>（无摘要）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="381" />
        <source>Reopens %1</source>
        <translation>重启自 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="387" />
        <source>Reopened as %1</source>
        <translation>已重启为 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="393" />
        <source>Repeat of %1</source>
        <translation>重复反映自 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="398" />
        <source>Repeat request (same type within 30 days)</source>
        <translation>重复反映（30天内同类诉求）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="401" />
        <source>Escalated to the joint meeting %1</source>
        <translation>已提交联席会议 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="450" />
        <source>(provisional)</source>
        <translation>（暂定）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="541" />
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="562" />
        <source>New case %1 was created and linked to %2.</source>
        <translation>已新建案件 %1，并关联原案件 %2。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="570" />
        <source>Low rating</source>
        <translation>满意度低</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="571" />
        <source>The resident rated the result 1 or 2: call the resident back.
Reopen the case now?</source>
        <translation>居民评价为1或2分：请回访居民。
现在重新启动该案件吗？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/case_view.py" line="604" />
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dept_view.py" line="67" />
        <source>Awaiting start</source>
        <translation>待启动</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dept_view.py" line="68" />
        <source>2 h start overdue</source>
        <translation>2小时启动超时</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dept_view.py" line="69" />
        <source>2 h start ≥ 80%</source>
        <translation>2小时启动已用≥80%</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dept_view.py" line="70" />
        <location filename="../../center/windows/workstation/texts.py" line="22" />
        <source>In progress</source>
        <translation>办理中</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dept_view.py" line="71" />
        <source>Closure overdue</source>
        <translation>办结超期</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dept_view.py" line="72" />
        <source>Closure ≥ 80%</source>
        <translation>办结时限已用≥80%</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="31" />
        <location filename="../../center/windows/workstation/household_view.py" line="171" />
        <location filename="../../center/windows/workstation/inbox_model.py" line="56" />
        <location filename="../../center/windows/workstation/intake.py" line="78" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="32" />
        <location filename="../../center/windows/workstation/inbox_model.py" line="55" />
        <location filename="../../center/windows/workstation/texts.py" line="101" />
        <source>Department</source>
        <translation>责任部门</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="33" />
        <location filename="../../center/windows/workstation/inbox_model.py" line="52" />
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="34" />
        <location filename="../../center/windows/workstation/household_view.py" line="170" />
        <location filename="../../center/windows/workstation/inbox_model.py" line="51" />
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="85" />
        <source>Request</source>
        <translation>诉求类型</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="35" />
        <location filename="../../center/windows/workstation/inbox_model.py" line="60" />
        <location filename="../../center/windows/workstation/intake.py" line="79" />
        <source>Summary</source>
        <translation>诉求摘要</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="36" />
        <source>Address note</source>
        <translation>地址备注</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="37" />
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="38" />
        <source>Responded at</source>
        <translation>响应时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="39" />
        <source>Assigned at</source>
        <translation>分派时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="40" />
        <source>Accepted at</source>
        <translation>启动时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="41" />
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="84" />
        <source>Closed at</source>
        <translation>办结时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="42" />
        <source>Confirmed at</source>
        <translation>确认时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="43" />
        <source>Rated at</source>
        <translation>评价时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="44" />
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="45" />
        <source>Spot-checked at</source>
        <translation>抽查时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="46" />
        <source>Spot check passed</source>
        <translation>抽查通过</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="47" />
        <location filename="../../center/windows/workstation/inbox_view.py" line="116" />
        <source>Escalated</source>
        <translation>已提交联席会议</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="48" />
        <source>Escalated at</source>
        <translation>提交联席会议时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="49" />
        <source>Repeat of</source>
        <translation>重复反映自</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="57" />
        <source>(text)</source>
        <translation>（文字）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="63" />
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="63" />
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="88" />
        <source>Case changed by someone else</source>
        <translation>案件已被他人修改</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="90" />
        <source>another user</source>
        <translation>其他用户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="94" />
        <source>Case %1 was changed by %2 after you opened it. Your change was not saved and nothing was overwritten; your note is kept. Reload the case to see the current state, then apply your change again.</source>
        <translation>您打开案件 %1 之后，%2 修改了该案件。您的修改未保存，也没有覆盖任何内容；您填写的备注已保留。请重新加载案件查看最新状态，再重新操作。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="109" />
        <source>What</source>
        <translation>修改内容</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="125" />
        <source>&amp;Reload the case</source>
        <translation>重新加载案件(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="144" />
        <source>Assign to a department</source>
        <translation>分派至部门</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="155" />
        <source>★ proposed for this request type</source>
        <translation>★ 该诉求类型的建议部门</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="174" />
        <source>Resident's rating</source>
        <translation>居民满意度评价</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="177" />
        <source>1 – very dissatisfied</source>
        <translation>1 – 非常不满意</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="178" />
        <source>2 – dissatisfied</source>
        <translation>2 – 不满意</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="179" />
        <source>3 – acceptable</source>
        <translation>3 – 基本满意</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="180" />
        <source>4 – satisfied</source>
        <translation>4 – 满意</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="181" />
        <source>5 – very satisfied</source>
        <translation>5 – 非常满意</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="205" />
        <source>Spot check result</source>
        <translation>抽查结果</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="206" />
        <source>&amp;Passed: the resident confirms</source>
        <translation>通过：居民确认已解决(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="208" />
        <source>&amp;Failed: the problem remains (the case is reopened)</source>
        <translation>未通过：问题仍存在（案件将重新启动）(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="212" />
        <source>What the resident said</source>
        <translation>居民反馈</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="227" />
        <source>Say why the check failed.</source>
        <translation>请说明抽查未通过的原因。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/dialogs.py" line="261" />
        <source>A reason is required.</source>
        <translation>必须填写理由。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="89" />
        <location filename="../../center/windows/workstation/intake.py" line="169" />
        <source>Household code, part of the address, or a resident's full name / phone / ID</source>
        <translation>户编号、部分地址，或居民完整姓名／电话／身份证号</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="95" />
        <location filename="../../center/windows/workstation/intake.py" line="174" />
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="99" />
        <location filename="../../center/windows/workstation/household_view.py" line="256" />
        <location filename="../../center/windows/workstation/household_view.py" line="397" />
        <location filename="../../center/windows/workstation/intake.py" line="178" />
        <location filename="../../center/windows/workstation/intake.py" line="193" />
        <location filename="../../center/windows/workstation/planning.py" line="204" />
        <location filename="../../center/windows/workstation/route_sheet.py" line="52" />
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="86" />
        <source>Household</source>
        <translation>户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="100" />
        <location filename="../../center/windows/workstation/inbox_model.py" line="54" />
        <location filename="../../center/windows/workstation/intake.py" line="179" />
        <location filename="../../center/windows/workstation/planning.py" line="203" />
        <location filename="../../center/windows/workstation/route_sheet.py" line="51" />
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="87" />
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="101" />
        <location filename="../../center/windows/workstation/inbox_model.py" line="53" />
        <location filename="../../center/windows/workstation/intake.py" line="180" />
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="102" />
        <location filename="../../center/windows/workstation/household_view.py" line="138" />
        <location filename="../../center/windows/workstation/intake.py" line="181" />
        <source>Resident</source>
        <translation>居民</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="103" />
        <location filename="../../center/windows/workstation/intake.py" line="182" />
        <source>Found by</source>
        <translation>匹配方式</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="111" />
        <source>No household open</source>
        <translation>未打开户档案</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="121" />
        <source>Members:</source>
        <translation>户内人数：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="122" />
        <source>Special groups:</source>
        <translation>特殊群体：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="123" />
        <source>Visits this period:</source>
        <translation>本期走访：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="124" />
        <source>Next visit due by:</source>
        <translation>下次走访截止：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="125" />
        <location filename="../../center/windows/workstation/planning.py" line="109" />
        <source>Notes:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="139" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="140" />
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="141" />
        <source>Born</source>
        <translation>出生年份</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="142" />
        <location filename="../../center/windows/workstation/texts.py" line="113" />
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="143" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="144" />
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="147" />
        <source>Re&amp;veal personal information…</source>
        <translation>查看完整个人信息(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="159" />
        <source>Visited</source>
        <translation>走访时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="160" />
        <source>By</source>
        <translation>走访人</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="161" />
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="162" />
        <source>Recorded</source>
        <translation>录入时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="163" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="168" />
        <location filename="../../center/windows/workstation/inbox_model.py" line="48" />
        <location filename="../../center/windows/workstation/intake.py" line="76" />
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="83" />
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="169" />
        <location filename="../../center/windows/workstation/inbox_model.py" line="49" />
        <location filename="../../center/windows/workstation/intake.py" line="77" />
        <source>Received at</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="172" />
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="88" />
        <source>Rating</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="186" />
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="180" />
        <source>Visits</source>
        <translation>走访记录</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="181" />
        <source>Cases</source>
        <translation>诉求案件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="189" />
        <source>&amp;New case for this household…</source>
        <translation>为该户新建案件(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="190" />
        <source>Record &amp;visit…</source>
        <translation>登记走访(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="257" />
        <location filename="../../center/windows/workstation/intake.py" line="348" />
        <source>No household found.</source>
        <translation>未找到匹配的户。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="266" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="269" />
        <source>%1: %2 of %3 met-visits (%4)</source>
        <translation>%1：已见面走访 %2/%3 次（%4）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="280" />
        <source>floating population</source>
        <translation>流动人口</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="283" />
        <source>moved out on %1</source>
        <translation>已于 %1 迁出</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="288" />
        <source>male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="288" />
        <source>female</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="346" />
        <source>Reveal personal information</source>
        <translation>查看完整个人信息</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="347" />
        <source>The name, ID number and phone of this resident will be shown once and the access is recorded in the audit log. Why are they needed?</source>
        <translation>将显示该居民的姓名、身份证号和电话（仅本次），此次查看会记入审计日志。查看的理由是什么？</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="370" />
        <source>Personal information</source>
        <translation>个人信息</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/household_view.py" line="372" />
        <source>Name: %1
ID number: %2
Phone: %3</source>
        <translation>姓名：%1
身份证号：%2
电话：%3</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="50" />
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="57" />
        <location filename="../../center/windows/workstation/texts.py" line="75" />
        <source>24 h response</source>
        <translation>24小时响应</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="58" />
        <location filename="../../center/windows/workstation/texts.py" line="76" />
        <source>2 h start</source>
        <translation>2小时启动</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="59" />
        <location filename="../../center/windows/workstation/texts.py" line="77" />
        <source>15 wd closure</source>
        <translation>15工作日办结</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="75" />
        <source>✗ late</source>
        <translation>✗ 超时</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="78" />
        <source>overdue %1</source>
        <translation>超时 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="85" />
        <source>Due %1</source>
        <translation>时限 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="87" />
        <source>Done %1</source>
        <translation>完成于 %1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="90" />
        <source>%1% of the window used</source>
        <translation>时限已用 %1%</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_model.py" line="275" />
        <source>Not sortable</source>
        <translation>不可排序</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="88" />
        <source>Search case code, summary, address, household…</source>
        <translation>搜索案件编号、摘要、地址、户编号…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="93" />
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="95" />
        <source>Open</source>
        <translation>未结案</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="96" />
        <location filename="../../center/windows/workstation/texts.py" line="49" />
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="100" />
        <location filename="../../center/windows/workstation/inbox_view.py" line="252" />
        <source>All categories</source>
        <translation>全部大类</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="101" />
        <location filename="../../center/windows/workstation/inbox_view.py" line="285" />
        <source>All requests</source>
        <translation>全部诉求类型</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="103" />
        <source>All priorities</source>
        <translation>全部优先级</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="107" />
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="110" />
        <location filename="../../center/windows/workstation/inbox_view.py" line="257" />
        <source>All communities</source>
        <translation>全部社区</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="111" />
        <location filename="../../center/windows/workstation/inbox_view.py" line="294" />
        <source>All grids</source>
        <translation>全部网格</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="112" />
        <location filename="../../center/windows/workstation/inbox_view.py" line="262" />
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="114" />
        <source>Escalated: any</source>
        <translation>联席会议：不限</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="117" />
        <source>Not escalated</source>
        <translation>未提交联席会议</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="121" />
        <source>All clocks</source>
        <translation>全部时限</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="123" />
        <location filename="../../center/windows/workstation/texts.py" line="92" />
        <source>Overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="124" />
        <source>About to breach (80%)</source>
        <translation>即将超时（已用80%）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="127" />
        <source>Received between</source>
        <translation>受理日期</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="136" />
        <source>Saved filters</source>
        <translation>常用筛选</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="141" />
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="392" />
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="413" />
        <source>Save the current filter…</source>
        <translation>保存当前筛选…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="415" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="437" />
        <source>Save filter</source>
        <translation>保存筛选</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="438" />
        <source>Name of this filter:</source>
        <translation>筛选名称：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="466" />
        <source>%n case(s)</source>
        <translation>%n 件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="475" />
        <source>Error</source>
        <translation>出错</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="478" />
        <source>Inbox</source>
        <translation>案件收件箱</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/inbox_view.py" line="479" />
        <source>The cases could not be loaded: %1</source>
        <translation>案件加载失败：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="62" />
        <source>Possible repeat</source>
        <translation>可能为重复反映</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="66" />
        <source>This household has open or recent (30 days) cases of the same request type. Link the new case as a repeat of one of them, or confirm it is new.</source>
        <translation>该户有同类诉求的未结案件或近30天内的案件。请将新案件关联为其中之一的重复反映，或确认这是新诉求。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="103" />
        <source>&amp;Link as a repeat of the selected case</source>
        <translation>关联为所选案件的重复反映(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="107" />
        <source>It is a &amp;new request</source>
        <translation>这是新诉求(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="109" />
        <source>&amp;Back</source>
        <translation>返回修改(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="152" />
        <location filename="../../center/windows/workstation/main_window.py" line="113" />
        <source>New case</source>
        <translation>新建案件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="191" />
        <source>No household chosen</source>
        <translation>尚未选择户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="218" />
        <source>&amp;Assign to the department now</source>
        <translation>立即分派至部门(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="220" />
        <source>Resolved on the &amp;spot</source>
        <translation>当场解决(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="225" />
        <source>What the resident needs</source>
        <translation>居民的诉求</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="236" />
        <source>Request type:</source>
        <translation>诉求类型：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="303" />
        <source>proposed: %1, %2</source>
        <translation>建议：%1，%2</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="368" />
        <source>Choose the household first.</source>
        <translation>请先选择户。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="372" />
        <source>Choose the request type.</source>
        <translation>请选择诉求类型。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="376" />
        <source>Describe the request in the summary.</source>
        <translation>请在诉求摘要中描述诉求。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/intake.py" line="381" />
        <source>The received time is in the future.</source>
        <translation>受理时间晚于当前时间。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="55" />
        <source>Door-knocking command center — workstation</source>
        <translation>敲门行动指挥中心 — 工作台</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="84" />
        <source>&amp;Inbox</source>
        <translation>案件收件箱(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="85" />
        <source>&amp;Department queue</source>
        <translation>部门待办(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="86" />
        <source>&amp;Visit planning</source>
        <translation>走访计划(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="87" />
        <source>&amp;Household</source>
        <translation>一户一档(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="88" />
        <source>&amp;Spot checks</source>
        <translation>抽查回访(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="111" />
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="117" />
        <location filename="../../center/windows/workstation/planning.py" line="243" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="170" />
        <source>%1 door-knocking command center — workstation</source>
        <translation>%1敲门行动指挥中心 — 工作台</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="180" />
        <source>Workstation</source>
        <translation>工作台</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="181" />
        <source>The database could not be read: %1</source>
        <translation>无法读取数据库：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="241" />
        <source>Case %1 saved</source>
        <translation>案件 %1 已保存</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="249" />
        <source>%1: saved (%2)</source>
        <translation>%1：已保存（%2）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="277" />
        <source>● connected</source>
        <translation>● 已连接</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="278" />
        <source>○ connecting…</source>
        <translation>○ 正在连接…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="279" />
        <source>● database unreachable</source>
        <translation>● 数据库无法连接</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="73" />
        <source>Record a visit to %1</source>
        <translation>登记对 %1 的走访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="106" />
        <source>Visited by:</source>
        <translation>走访人：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="107" />
        <source>Visited at:</source>
        <translation>走访时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="108" />
        <source>Outcome:</source>
        <translation>走访结果：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="161" />
        <source>Visited by others in the last 14 days: %1</source>
        <translation>近14天内已有他人走访：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="202" />
        <location filename="../../center/windows/workstation/route_sheet.py" line="50" />
        <source>Building</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="205" />
        <location filename="../../center/windows/workstation/route_sheet.py" line="53" />
        <source>Special groups</source>
        <translation>特殊群体</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="206" />
        <location filename="../../center/windows/workstation/route_sheet.py" line="54" />
        <source>Progress</source>
        <translation>本期进度</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="207" />
        <location filename="../../center/windows/workstation/route_sheet.py" line="55" />
        <source>Due by</source>
        <translation>截止日期</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="208" />
        <location filename="../../center/windows/workstation/route_sheet.py" line="56" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="209" />
        <location filename="../../center/windows/workstation/route_sheet.py" line="57" />
        <source>Last met</source>
        <translation>最近见面走访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="210" />
        <location filename="../../center/windows/workstation/route_sheet.py" line="58" />
        <source>Others, last 14 days</source>
        <translation>近14天他人走访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="242" />
        <source>Include households already visited</source>
        <translation>包括本期已完成走访的户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="260" />
        <source>&amp;Record visit…</source>
        <translation>登记走访(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="261" />
        <source>&amp;Open household</source>
        <translation>打开户档案(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="262" />
        <source>Export &amp;CSV…</source>
        <translation>导出CSV(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="263" />
        <source>Route sheet &amp;PDF…</source>
        <translation>打印路线单PDF(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="274" />
        <source>Grid worker:</source>
        <translation>网格员：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="323" />
        <source>Wrote %1 (%2 households).</source>
        <translation>已生成 %1（%2 户）。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="332" />
        <source>Visit planning</source>
        <translation>走访计划</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="340" />
        <source>Overdue %1 · due %2 · as of %3</source>
        <translation>已逾期 %1 户 · 待走访 %2 户 · 截至 %3</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="372" />
        <source>Someone else visited in the last 14 days: avoid knocking twice</source>
        <translation>近14天内已有他人走访：避免多头敲门</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="409" />
        <source>Route sheet for the mobile terminal</source>
        <translation>移动终端走访路线单</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/planning.py" line="422" />
        <source>Printable route sheet</source>
        <translation>打印走访路线单</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/route_sheet.py" line="39" />
        <source>Visit route sheet</source>
        <translation>走访路线单</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/route_sheet.py" line="41" />
        <source>Grid %1 · %2 · as of %3 · overdue %4, due %5</source>
        <translation>网格 %1 · %2 · 截至 %3 · 逾期 %4 户，待走访 %5 户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/route_sheet.py" line="59" />
        <source>Met / not home / refused</source>
        <translation>见面／不在家／拒绝</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/route_sheet.py" line="115" />
        <source>No household is due.</source>
        <translation>当前没有需要走访的户。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="72" />
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="74" />
        <source>&amp;Draw sample</source>
        <translation>抽取样本(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="89" />
        <source>Drawn</source>
        <translation>抽取时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="101" />
        <source>&amp;Passed</source>
        <translation>通过(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="102" />
        <source>&amp;Failed (reopen)…</source>
        <translation>未通过（重启）(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="109" />
        <source>Sample</source>
        <translation>抽取</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="111" />
        <source>of cases closed from</source>
        <translation>的已办结案件，办结日期从</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="113" />
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="115" />
        <source>seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="127" />
        <source>Awaiting the verification call</source>
        <translation>待电话回访核实</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="154" />
        <source>Spot check failed</source>
        <translation>抽查未通过</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="155" />
        <source>What did the resident say? The case will be reopened.</source>
        <translation>居民怎么说？案件将重新启动。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="168" />
        <source>Drew %1 of %2 cases closed %3 – %4 (%5 %, seed %6); logged.</source>
        <translation>已从 %3 至 %4 办结的 %2 件中抽取 %1 件（%5%，随机种子 %6），已记入日志。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="213" />
        <source>Spot checks</source>
        <translation>抽查回访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="20" />
        <location filename="../../center/windows/workstation/texts.py" line="44" />
        <source>Received</source>
        <translation>已受理</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="21" />
        <location filename="../../center/windows/workstation/texts.py" line="51" />
        <source>Assigned</source>
        <translation>已分派</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="23" />
        <location filename="../../center/windows/workstation/texts.py" line="53" />
        <source>Resolved</source>
        <translation>已办结</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="24" />
        <location filename="../../center/windows/workstation/texts.py" line="54" />
        <source>Confirmed on site</source>
        <translation>已上门确认</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="25" />
        <source>Rated</source>
        <translation>已评价</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="26" />
        <location filename="../../center/windows/workstation/texts.py" line="56" />
        <source>Spot-checked</source>
        <translation>已抽查</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="27" />
        <source>At joint meeting</source>
        <translation>联席会议协调中</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="28" />
        <source>Not our remit</source>
        <translation>不属于职责范围</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="29" />
        <source>No action needed</source>
        <translation>无需处理</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="32" />
        <source>&amp;Responded</source>
        <translation>已响应(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="33" />
        <source>&amp;Assign…</source>
        <translation>分派(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="34" />
        <source>A&amp;ccept</source>
        <translation>启动办理(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="35" />
        <source>Re&amp;solve</source>
        <translation>办结(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="36" />
        <source>Con&amp;firm on site</source>
        <translation>上门确认(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="37" />
        <source>Ra&amp;te…</source>
        <translation>满意度评价(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="38" />
        <source>Spot chec&amp;k…</source>
        <translation>抽查(&amp;K)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="39" />
        <source>&amp;Escalate…</source>
        <translation>提交联席会议(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="40" />
        <source>&amp;Not our remit…</source>
        <translation>不属于职责范围(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="41" />
        <source>No action nee&amp;ded…</source>
        <translation>无需处理(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="42" />
        <source>Re&amp;open…</source>
        <translation>重新启动(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="43" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="47" />
        <location filename="../../center/windows/workstation/texts.py" line="48" />
        <source>Case received</source>
        <translation>受理案件</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="50" />
        <source>Resident contacted</source>
        <translation>已联系居民</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="52" />
        <source>Accepted by the department</source>
        <translation>部门启动办理</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="55" />
        <source>Rated by the resident</source>
        <translation>居民评价</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="57" />
        <source>Escalated to the joint meeting</source>
        <translation>提交联席会议</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="58" />
        <source>Closed: not our remit</source>
        <translation>结案：不属于职责范围</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="59" />
        <source>Closed: no action needed</source>
        <translation>结案：无需处理</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="60" />
        <source>Reopened</source>
        <translation>重新启动</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="61" />
        <source>Edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="64" />
        <source>Visit</source>
        <translation>上门走访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="65" />
        <source>Hotline</source>
        <translation>热线</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="66" />
        <source>Online</source>
        <translation>线上</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="67" />
        <source>Proactive service</source>
        <translation>主动服务</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="70" />
        <source>Immediate</source>
        <translation>即时响应</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="71" />
        <source>24 hours</source>
        <translation>24小时</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="72" />
        <source>3 working days</source>
        <translation>3个工作日</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="80" />
        <source>Met</source>
        <translation>见面</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="81" />
        <source>Not home</source>
        <translation>不在家</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="82" />
        <source>Refused</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="85" />
        <source>Solo elderly</source>
        <translation>独居老人</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="86" />
        <source>Disabled</source>
        <translation>残障人士</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="87" />
        <source>Child in difficulty</source>
        <translation>困境儿童</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="88" />
        <source>Low income</source>
        <translation>低保/困难家庭</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="89" />
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="93" />
        <source>Due</source>
        <translation>待走访</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="94" />
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="97" />
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="98" />
        <source>Coordinator</source>
        <translation>综合协调组</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="99" />
        <source>Supervisor</source>
        <translation>督导考核组</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="100" />
        <source>Leader</source>
        <translation>领导小组</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="102" />
        <source>Viewer</source>
        <translation>只读用户</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="103" />
        <source>Grid worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="104" />
        <source>Building leader</source>
        <translation>楼栋长</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="105" />
        <source>Community worker</source>
        <translation>社区工作者</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="106" />
        <source>Volunteer</source>
        <translation>志愿者</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="107" />
        <source>Professional</source>
        <translation>专业人员</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="110" />
        <source>code</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="111" />
        <source>resident name</source>
        <translation>居民姓名</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="112" />
        <source>phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="114" />
        <source>address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="187" />
        <source>%1d %2h</source>
        <translation>%1天%2时</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="191" />
        <source>%1h %2m</source>
        <translation>%1时%2分</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="195" />
        <source>%1m</source>
        <translation>%1分</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="127" />
        <source>user name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="134" />
        <source>An action, or a prefix followed by * (e.g. case.*)</source>
        <translation>操作名，或前缀加 *（如 case.*）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="136" />
        <source>Since:</source>
        <translation>起始时间：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="146" />
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="155" />
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="157" />
        <source>Action:</source>
        <translation>操作：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="161" />
        <source>Record:</source>
        <translation>对象：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="169" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="171" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="172" />
        <source>Record</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="173" />
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="185" />
        <source>&lt; Newer</source>
        <translation>&lt; 较新</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="187" />
        <source>Older &gt;</source>
        <translation>较早 &gt;</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="193" />
        <source>&amp;Verify chain</source>
        <translation>校验审计链(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="225" />
        <source>Record: give KIND:ID, e.g. case:C20261006-0001</source>
        <translation>对象：请按“类型:编号”填写，如 case:C20261006-0001</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="256" />
        <source>Verifying…</source>
        <translation>正在校验…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="282" />
        <source>The chain could not be verified: %1</source>
        <translation>无法校验审计链：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="286" />
        <source>The audit log could not be read: %1</source>
        <translation>无法读取审计日志：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="307" />
        <source>%1 rows</source>
        <translation>共 %1 条</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="309" />
        <source>No audit rows match.</source>
        <translation>没有符合条件的审计记录。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="317" />
        <source>Page %1</source>
        <translation>第 %1 页</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="326" />
        <source>Audit chain intact: %1 rows (head %2…)</source>
        <translation>审计链完整：%1 条（链头 %2…）</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/audit_view.py" line="333" />
        <source>Audit chain broken at row %1: %2</source>
        <translation>审计链在第 %1 条断裂：%2</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="117" />
        <source>A&amp;udit log</source>
        <translation>审计日志(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/main_window.py" line="162" />
        <source>Logged in: %1</source>
        <translation>当前用户：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="117" />
        <source>Reveal &amp;phone for the call…</source>
        <translation>查看回访电话(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="188" />
        <source>Reveal the phone for the verification call</source>
        <translation>查看回访核实电话</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="189" />
        <source>The phone of a resident of this household will be shown once and the access is recorded in the audit log. Why is it needed?</source>
        <translation>将显示该户一名居民的电话，仅显示一次，查看记录写入审计日志。请说明查看原因：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="194" />
        <source>Spot-check verification call</source>
        <translation>抽查回访核实</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="205" />
        <source>Phone for the verification call</source>
        <translation>回访核实电话</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/spotcheck_view.py" line="207" />
        <source>Case %1, household %2
%3: %4</source>
        <translation>工单 %1，住户 %2
%3：%4</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="107" />
        <source>Finance</source>
        <translation>经费管理</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/texts.py" line="108" />
        <source>Video wall</source>
        <translation>指挥大屏</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="131" />
        <source>Workstation locked</source>
        <translation>工作台已锁定</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="141" />
        <source>The workstation is locked</source>
        <translation>工作台已锁定</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="152" />
        <source>No input for %1 minutes. Enter your password to continue where you left off.</source>
        <translation>已有 %1 分钟无操作。请输入密码解锁，继续未完成的工作。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="161" />
        <source>password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="170" />
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="173" />
        <source>Quit the workstation</source>
        <translation>退出工作台</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="207" />
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="374" />
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="97" />
        <source>The account is locked after 5 failed logins until %1: try again then, or ask an administrator.</source>
        <translation>连续 5 次登录失败，账号已锁定至 %1：请届时再试，或联系管理员。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="103" />
        <source>The account is disabled: ask an administrator.</source>
        <translation>该账号已停用，请联系管理员。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="105" />
        <source>The account has no password yet: ask an administrator to set one.</source>
        <translation>该账号尚未设置密码，请联系管理员设置。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="108" />
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="110" />
        <source>The login could not be checked: %1</source>
        <translation>无法验证登录：%1</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="142" />
        <source>Log in — door-knocking command center</source>
        <translation>登录 — 敲门行动指挥中心</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="151" />
        <source>Door-knocking command center</source>
        <translation>敲门行动指挥中心</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="157" />
        <source>Log in with your account</source>
        <translation>请使用您的账号登录</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="170" />
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="171" />
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="188" />
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="190" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="225" />
        <source>Enter your user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/login.py" line="281" />
        <source>Demo street: accounts %1, all with the password “%2”. Never enter real data here.</source>
        <translation>演示街道：账号 %1，密码均为“%2”。请勿在此录入真实数据。</translation>
    </message>
    <message>
        <location filename="../../center/windows/workstation/lock.py" line="340" />
        <source>Locked — %1</source>
        <translation>已锁定 — %1</translation>
    </message>
</context>
</TS>