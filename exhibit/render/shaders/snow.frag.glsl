#version 130
// A flake: a round soft dot in the colour lit and fogged in snow.vert.glsl.
uniform vec4 p3d_ColorScale;
in float v_alpha;
in vec2 v_uv;
in vec3 v_rgb;
out vec4 o_color;

void main() {
    float r = length(v_uv);
    float a = (1.0 - smoothstep(0.45, 1.0, r)) * v_alpha * p3d_ColorScale.a;
    if (a < 0.01) discard;
    o_color = vec4(v_rgb, a * 0.9);
}
