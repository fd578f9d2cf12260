//! The defaults of domain.md HR-S1 (seed 003 annex 1) and HR-S2.

use super::{
    Counting, ItemKind, ScoreEvent, ScoreItem, ScorecardTemplate, ScorecardTemplates, Section,
    Subsection,
};

fn item(key: &str, title: &str, kind: ItemKind, points: i64, per: Counting) -> ScoreItem {
    ScoreItem {
        key: key.to_owned(),
        title: title.to_owned(),
        kind,
        points,
        per,
        below: None,
        step: None,
    }
}

fn deduction(key: &str, title: &str, points: i64) -> ScoreItem {
    item(
        key,
        title,
        ItemKind::Deduction,
        points,
        Counting::Occurrence,
    )
}

fn below(key: &str, title: &str, threshold: i64, points: i64, step: i64) -> ScoreItem {
    ScoreItem {
        below: Some(threshold),
        step: Some(step),
        ..item(
            key,
            title,
            ItemKind::Deduction,
            points,
            Counting::PointsBelow,
        )
    }
}

fn part(key: &str, title: &str, points: i64, items: Vec<ScoreItem>) -> Subsection {
    Subsection {
        key: key.to_owned(),
        title: title.to_owned(),
        points,
        items,
    }
}

fn section(key: &str, title: &str, points: i64) -> Section {
    Section {
        key: key.to_owned(),
        title: title.to_owned(),
        points,
        qa_average_share_bp: None,
        subsections: Vec::new(),
        items: Vec::new(),
    }
}

fn event(key: &str, title: &str, kind: ItemKind, points: i64, per: Counting) -> ScoreEvent {
    ScoreEvent {
        key: key.to_owned(),
        title: title.to_owned(),
        kind,
        points,
        per,
        sets_exam_score: None,
    }
}

/// HR-S1, seed 003 annex 1: the call-centre representative's card.
pub(super) fn representative() -> ScorecardTemplate {
    ScorecardTemplate {
        position: "call_centre_representative".to_owned(),
        title: "客服代表岗位绩效考核".to_owned(),
        sections: vec![
            Section {
                qa_average_share_bp: Some(2_000),
                ..section("service_quality", "服务质量", 20)
            },
            Section {
                subsections: vec![
                    part(
                        "quality",
                        "工作质量",
                        25,
                        vec![
                            deduction("record_unclear", "受理问题记录不清、未记、未跟踪处理", 5),
                            deduction("unhandled_complaint", "未及时处理、上报导致客户投诉", 10),
                            deduction("summary_late", "月度工作总结漏交、晚交", 5),
                            deduction("handover_careless", "交接班日志未认真填写", 5),
                            deduction("handover_missing", "交接班日志漏写", 10),
                        ],
                    ),
                    part(
                        "efficiency",
                        "工作效率",
                        15,
                        vec![below("satisfaction", "客户满意得分低于90分", 90, 1, 1)],
                    ),
                    part(
                        "coordination",
                        "工作协调",
                        15,
                        vec![
                            deduction(
                                "transfer_unexplained",
                                "疑难问题未解释或未征得同意转班长台",
                                5,
                            ),
                            deduction("shirking", "推诿、未按时限完成交办工作", 5),
                            deduction("system_misuse", "未按要求使用客服中心操作系统", 5),
                        ],
                    ),
                ],
                ..section("work_ability", "工作能力", 55)
            },
            Section {
                subsections: vec![
                    part(
                        "knowledge_exam",
                        "业务知识考核",
                        10,
                        vec![below("knowledge_exam", "业务知识考试低于80分", 80, 1, 1)],
                    ),
                    part(
                        "operation_exam",
                        "操作考试",
                        5,
                        vec![below("operation_exam", "操作考试低于70分", 70, 1, 2)],
                    ),
                ],
                ..section("skills", "业务技能", 15)
            },
            Section {
                items: vec![deduction("conduct_breach", "违反客服管理制度和公司制度", 5)],
                ..section("conduct", "日常行为", 10)
            },
        ],
        adjustments: vec![
            item(
                "praise",
                "客户表扬（经核实）",
                ItemKind::Bonus,
                5,
                Counting::Occurrence,
            ),
            item(
                "exam_top_three",
                "业务技能考试前三名",
                ItemKind::Bonus,
                5,
                Counting::Occurrence,
            ),
        ],
    }
}

/// HR-S1 and HR-S2 defaults: the representative's card and the card events.
pub(super) fn all() -> ScorecardTemplates {
    use Counting::{Day, Occurrence};
    use ItemKind::Deduction;
    ScorecardTemplates {
        templates: vec![representative()],
        // The exam's top three (+5) is on the representative's card already (HR-S1). The
        // last event is HR-S6: an appeal upheld costs the deduction's issuer 10 points.
        events: vec![
            event(
                "meeting_late_or_absent",
                "会议迟到、早退或缺席",
                Deduction,
                5,
                Occurrence,
            ),
            event("exam_failed", "考试不及格", Deduction, 5, Occurrence),
            ScoreEvent {
                sets_exam_score: Some(0),
                ..event(
                    "exam_cheating",
                    "考试作弊（成绩按0分计）",
                    Deduction,
                    0,
                    Occurrence,
                )
            },
            event(
                "exam_absent_unexcused",
                "考试无故缺考",
                Deduction,
                10,
                Occurrence,
            ),
            ScoreEvent {
                sets_exam_score: Some(70),
                ..event(
                    "exam_absent_excused",
                    "因故缺考（成绩按70分计）",
                    Deduction,
                    0,
                    Occurrence,
                )
            },
            event(
                "backup_late",
                "数据备份未按时完成（每迟一天）",
                Deduction,
                5,
                Day,
            ),
            event(
                "appeal_upheld_against_issuer",
                "开单被申诉属实（开单人）",
                Deduction,
                10,
                Occurrence,
            ),
        ],
        appeal_days: 7,
    }
}
