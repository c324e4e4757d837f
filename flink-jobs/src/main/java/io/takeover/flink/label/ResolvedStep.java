package io.takeover.flink.label;

import io.takeover.schemas.Step;

/** A step whose control is final: who acted at it, and which operator if one did. */
public class ResolvedStep {

    private Step step;
    private boolean operator;
    private String operatorId;

    public ResolvedStep() {}

    public ResolvedStep(Step step, boolean operator, String operatorId) {
        this.step = step;
        this.operator = operator;
        this.operatorId = operatorId;
    }

    public Step getStep() { return step; }
    public void setStep(Step step) { this.step = step; }
    public boolean isOperator() { return operator; }
    public void setOperator(boolean operator) { this.operator = operator; }
    public String getOperatorId() { return operatorId; }
    public void setOperatorId(String operatorId) { this.operatorId = operatorId; }
}
